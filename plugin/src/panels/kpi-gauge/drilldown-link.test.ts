import { FieldType, type Field, type InterpolateFunction } from '@grafana/data';
import { drilldownLink } from './drilldown-link';

/** Interpolates `${name}` from scoped vars and a fixed set of dashboard variables, as Grafana's template service does. */
const dashboardVars: Record<string, string> = { entity: 'northwind-us', __url_time_range: 'from=now-7d&to=now' };
const replaceVariables: InterpolateFunction = (text, scoped) =>
  text.replace(/\$\{([\w]+)\}/g, (_m, name: string) => String(scoped?.[name]?.value ?? dashboardVars[name] ?? ''));

function field(over: Partial<Field> = {}): Field {
  return { name: 'Value', type: FieldType.number, values: [1], config: {}, ...over };
}

describe('drilldownLink', () => {
  it('uses the link Grafana resolved for the value field', () => {
    const resolved = field({
      getLinks: (config) => [
        { href: `/d/kpi?row=${config?.valueRowIndex}`, title: 'Details', target: '_self', origin: {} as never },
      ],
    });
    expect(drilldownLink(resolved, 3, 'revenue', '', replaceVariables)).toEqual({
      href: '/d/kpi?row=3',
      title: 'Details',
      target: '_self',
      onClick: undefined,
    });
  });

  it('interpolates the configured data link with template variables and the KPI', () => {
    const configured = field({
      config: {
        links: [{ title: 'Open', url: '/d/finmon-kpi-detail?var-kpi=${kpi}&var-entity=${entity}&${__url_time_range}' }],
      },
    });
    expect(drilldownLink(configured, 0, 'revenue', '', replaceVariables)).toEqual({
      href: '/d/finmon-kpi-detail?var-kpi=revenue&var-entity=northwind-us&from=now-7d&to=now',
      title: 'Open',
      target: undefined,
    });
  });

  it('falls back to the panel’s drill-down URL and opens new tabs when the link says so', () => {
    expect(drilldownLink(field(), 0, 'dso', '#/kpi/${kpi}', replaceVariables)).toEqual({
      href: '#/kpi/dso',
      title: 'Details',
      target: undefined,
    });
    const blank = field({ config: { links: [{ title: 'x', url: 'https://erp.example/${kpi}', targetBlank: true }] } });
    expect(drilldownLink(blank, 0, 'dso', '', replaceVariables)?.target).toBe('_blank');
  });

  it('is undefined when nothing is configured', () => {
    expect(drilldownLink(field(), 0, 'x', '', replaceVariables)).toBeUndefined();
    expect(drilldownLink(undefined, undefined, 'x', '', replaceVariables)).toBeUndefined();
  });
});
