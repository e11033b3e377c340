import type { Field, InterpolateFunction, LinkModel } from '@grafana/data';

export interface DrilldownLink {
  href: string;
  title: string;
  target?: LinkModel['target'];
  onClick?: LinkModel['onClick'];
}

/**
 * Where a click on the gauge goes: the value field's first data link as Grafana resolved it
 * (`field.getLinks`, which interpolates the template variables and the time range), else the
 * field config's first link or the panel's `drilldownUrl`, interpolated here with the KPI id as
 * the scoped variable `${kpi}`. Undefined when nothing is configured.
 */
export function drilldownLink(
  field: Field | undefined,
  rowIndex: number | undefined,
  kpiId: string,
  drilldownUrl: string,
  replaceVariables: InterpolateFunction
): DrilldownLink | undefined {
  if (field?.getLinks) {
    const resolved = field.getLinks({ valueRowIndex: rowIndex });
    const first = resolved[0];
    if (first?.href) {
      return { href: first.href, title: first.title, target: first.target, onClick: first.onClick };
    }
  }
  const configured = field?.config.links?.[0];
  const url = configured?.url || drilldownUrl;
  if (!url) {
    return undefined;
  }
  const scoped = kpiId ? { kpi: { text: kpiId, value: kpiId } } : undefined;
  return {
    href: replaceVariables(url, scoped),
    title: configured?.title || 'Details',
    target: configured?.targetBlank ? '_blank' : undefined,
  };
}
