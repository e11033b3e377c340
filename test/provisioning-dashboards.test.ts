import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  BUILT_IN_VARIABLES,
  LIVE_STREAM_ID,
  allPanels,
  loadProvisioning,
  repositoryPathOf,
  targetDatasourceUid,
  variableReferences,
  type DashboardJson,
  type PanelJson,
} from '../collector/src/bench/dashboards-bench';
import { checkDashboardsAgainstSchema, findGrafanaSchema, type PluginPanelTypes } from './support/grafana-schema-check';

/**
 * The provisioned dashboards, checked without Grafana: against Grafana's published dashboard and
 * panel option types, and for what Grafana would only show as a broken panel at run time — every
 * datasource, panel plugin, variable and drill-down link resolves, layouts fit the grid (phones
 * stack panels in grid order), thresholds match metrics_config.json. Whether the queries run and
 * return data is test/provisioning-queries.test.ts.
 */
const repo = path.resolve(__dirname, '..');
const provisioning = loadProvisioning(repo);
const dashboards = provisioning.dashboards;
const byUid = new Map(dashboards.map((d) => [d.dashboard.uid, d.dashboard]));
const metrics = JSON.parse(fs.readFileSync(path.join(repo, 'metrics_config.json'), 'utf8')) as {
  kpis: Array<{ id: string; thresholds?: Record<'critical' | 'warning', { above?: number; below?: number }> }>;
};
const kpiIds = new Set(metrics.kpis.map((k) => k.id));

/** Grafana's own panel plugins finmon may use. */
const GRAFANA_PANELS = new Set(['timeseries', 'stat', 'gauge', 'bargauge', 'table', 'heatmap', 'state-timeline', 'status-history', 'text', 'barchart', 'piechart', 'row']);
/** Datasources every Grafana has. */
const BUILT_IN_DATASOURCES = new Set(['grafana', '-- Grafana --', '-- Dashboard --', '-- Mixed --']);

interface PluginJson {
  type: string;
  id: string;
  includes?: Array<{ type: string; path?: string }>;
}
const pluginJsons: Array<{ file: string; json: PluginJson }> = findFiles(path.join(repo, 'plugin', 'src'), 'plugin.json').map((file) => ({
  file,
  json: JSON.parse(fs.readFileSync(file, 'utf8')) as PluginJson,
}));
const app = pluginJsons.find((p) => p.json.type === 'app')?.json;
const pluginPanelIds = new Set(pluginJsons.filter((p) => p.json.type === 'panel').map((p) => p.json.id));

function findFiles(dir: string, name: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : findFiles(full, name);
    return e.name === name ? [full] : [];
  });
}

function each<T>(fn: (d: DashboardJson, file: string) => T[]): T[] {
  return dashboards.flatMap(({ dashboard, file }) => fn(dashboard, file));
}

describe('provisioning/dashboards/finmon.yaml', () => {
  const providerFile = parseYaml(fs.readFileSync(path.join(repo, 'provisioning/dashboards/finmon.yaml'), 'utf8')) as {
    apiVersion: number;
    providers: Array<{ name: string; folder: string; folderUid: string; type: string; allowUiUpdates: boolean; options: { path: string } }>;
  };

  it('provisions one folder per role, each from its own folder of JSON files', () => {
    expect(providerFile.apiVersion).toBe(1);
    expect(providerFile.providers.map((p) => [p.folder, p.folderUid])).toEqual([
      ['Executive', 'finmon-executive'],
      ['Finance Ops', 'finmon-finance-ops'],
      ['Engineering', 'finmon-engineering'],
    ]);
    for (const p of providerFile.providers) {
      expect({ provider: p.name, type: p.type, exists: fs.existsSync(repositoryPathOf(p.options.path, repo)) }).toEqual({ provider: p.name, type: 'file', exists: true });
    }
  });

  it('leaves no dashboard file outside a provider, and gives every dashboard a unique uid and title', () => {
    const jsonFiles = fs
      .readdirSync(path.join(repo, 'provisioning/dashboards'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.json'))
      .map((f) => path.join('provisioning/dashboards', f))
      .sort();
    expect(dashboards.map((d) => d.file).sort()).toEqual(jsonFiles);
    expect(dashboards.length).toBeGreaterThanOrEqual(6);
    expect(new Set(dashboards.map((d) => d.dashboard.uid)).size).toBe(dashboards.length);
    expect(new Set(dashboards.map((d) => d.dashboard.title)).size).toBe(dashboards.length);
  });

  it('has the dashboards the issue asks for in their role folders', () => {
    const folderOf = Object.fromEntries(dashboards.map((d) => [d.dashboard.uid, d.folderUid]));
    expect(folderOf).toMatchObject({
      'finmon-executive': 'finmon-executive',
      'finmon-kpi-detail': 'finmon-executive',
      'finmon-treasury': 'finmon-finance-ops',
      'finmon-revenue-expenses': 'finmon-finance-ops',
      'finmon-market': 'finmon-finance-ops',
      'finmon-operations': 'finmon-engineering',
    });
  });
});

describe("dashboards against Grafana's published types (@grafana/schema)", () => {
  it('type-check as Dashboard, with every panel’s options and field config as the panel publishes them', () => {
    const schemaDir = findGrafanaSchema(repo);
    if (!schemaDir) {
      throw new Error('@grafana/schema is not installed: run `npm ci` in plugin/ (or add @grafana/schema to the root devDependencies)');
    }
    const pluginPanels: PluginPanelTypes[] = [
      { id: 'finmon-kpigauge-panel', file: path.join(repo, 'plugin/src/panels/kpi-gauge/types.ts'), optionsInterface: 'KpiGaugeOptions' },
      { id: 'finmon-alertfeed-panel', file: path.join(repo, 'plugin/src/panels/alert-feed/types.ts'), optionsInterface: 'AlertFeedOptions' },
    ].filter((p) => fs.existsSync(p.file));
    const problems = checkDashboardsAgainstSchema(
      dashboards.map((d) => ({ name: d.file, dashboard: d.dashboard })),
      schemaDir,
      pluginPanels,
    );
    expect(problems.map((p) => `${p.dashboard} ${p.subject}: ${p.message} — at ${p.line}`)).toEqual([]);
  }, 60_000);

  it('the check catches a property Grafana does not know and a value outside an enum', () => {
    const schemaDir = findGrafanaSchema(repo);
    if (!schemaDir) throw new Error('@grafana/schema is not installed (see the test above)');
    const broken = structuredClone(byUid.get('finmon-executive')!) as unknown as Record<string, unknown> & { panels: Array<Record<string, unknown>> };
    broken.refreshEvery = '30s';
    const stat = broken.panels.find((p) => p.type === 'timeseries')!;
    (stat.options as Record<string, { placement?: string }>).legend!.placement = 'middle';
    const gauge = broken.panels.find((p) => p.type === 'finmon-kpigauge-panel')!;
    (gauge.targets as Array<Record<string, unknown>>)[0]!.rawQeury = true;
    const problems = checkDashboardsAgainstSchema([{ name: 'broken', dashboard: broken }], schemaDir, []);
    expect(problems.map((p) => p.subject).sort()).toEqual(['dashboard', `panel ${gauge.id} (finmon-kpigauge-panel) target A`, `panel ${stat.id} (timeseries) options`]);
    const messages = problems.map((p) => p.message).join('\n');
    expect(messages).toMatch(/refreshEvery/);
    expect(messages).toMatch(/rawQeury/);
    expect(messages).toMatch(/"middle"/);
  }, 60_000);
});

describe('every dashboard', () => {
  it('refreshes every 30 s, is tagged finmon, links to the other finmon dashboards keeping time and variables', () => {
    for (const { dashboard } of dashboards) {
      expect({ uid: dashboard.uid, refresh: dashboard.refresh, finmon: dashboard.tags?.includes('finmon') }).toEqual({ uid: dashboard.uid, refresh: '30s', finmon: true });
      expect(dashboard.links).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'dashboards', tags: ['finmon'], includeVars: true, keepTime: true })]));
    }
  });

  it('overlays alert events from alert_events as annotations (title and text columns)', () => {
    for (const { dashboard } of dashboards) {
      const alerts = (dashboard.annotations?.list ?? []).filter((a) => /FROM "alert_events"/.test(a.target?.query ?? ''));
      expect({ uid: dashboard.uid, alertAnnotations: alerts.length > 0 }).toEqual({ uid: dashboard.uid, alertAnnotations: true });
      for (const a of alerts) expect(a.target).toMatchObject({ titleColumn: 'title', textColumn: 'text', rawQuery: true });
    }
  });

  it('uses only provisioned or built-in datasources', () => {
    const provisioned = new Set(provisioning.datasources.map((d) => d.uid));
    const unknown = each((d) =>
      [
        ...allPanels(d).flatMap((p) => [p.datasource?.uid, ...(p.targets ?? []).map((t) => targetDatasourceUid(t, p))].map((uid) => ({ where: `${d.uid} '${p.title}'`, uid }))),
        ...(d.annotations?.list ?? []).map((a) => ({ where: `${d.uid} annotation '${a.name}'`, uid: a.datasource?.uid })),
        ...(d.templating?.list ?? []).map((v) => ({ where: `${d.uid} variable ${v.name}`, uid: v.datasource?.uid })),
      ].filter((x) => x.uid !== undefined && !provisioned.has(x.uid) && !BUILT_IN_DATASOURCES.has(x.uid)),
    );
    expect(unknown).toEqual([]);
  });

  it("uses Grafana's own panels and the finmon plugin's panels only", () => {
    expect([...pluginPanelIds].sort()).toEqual(['finmon-alertfeed-panel', 'finmon-kpigauge-panel']);
    const unknown = each((d) => allPanels(d).filter((p) => !GRAFANA_PANELS.has(p.type) && !pluginPanelIds.has(p.type)).map((p) => `${d.uid} '${p.title}': ${p.type}`));
    expect(unknown).toEqual([]);
  });

  it('gives every InfluxDB query raw InfluxQL, a unique refId and aliases naming only grouped tags', () => {
    const influx = new Set(provisioning.datasources.filter((d) => d.type === 'influxdb').map((d) => d.uid));
    const problems = each((d) =>
      allPanels(d).flatMap((p) => {
        const targets = (p.targets ?? []).filter((t) => influx.has(targetDatasourceUid(t, p) ?? ''));
        const out: string[] = [];
        if (new Set(targets.map((t) => t.refId)).size !== targets.length) out.push(`${d.uid} '${p.title}': duplicate refId`);
        for (const t of targets) {
          if (!t.rawQuery || !t.query?.trim()) out.push(`${d.uid} '${p.title}' ${t.refId}: not a raw InfluxQL query`);
          const grouped = /GROUP BY (.*?)(?: fill\(| LIMIT | tz\(|$)/.exec(t.query ?? '')?.[1] ?? '';
          for (const tag of (t.alias ?? '').matchAll(/\$tag_(\w+)/g)) {
            if (!grouped.includes(`"${tag[1]}"`) && !grouped.includes('*')) out.push(`${d.uid} '${p.title}' ${t.refId}: alias uses $tag_${tag[1]} but the query does not group by it`);
          }
          if (/\$__interval\b/.test(t.query ?? '') && p.maxDataPoints === undefined) out.push(`${d.uid} '${p.title}' ${t.refId}: groups by $__interval without maxDataPoints`);
        }
        return out;
      }),
    );
    expect(problems).toEqual([]);
  });

  it('refers only to variables it defines or Grafana defines, and uses every variable it defines', () => {
    const problems = each((d) => {
      const defined = new Set((d.templating?.list ?? []).map((v) => v.name));
      const texts: Array<{ where: string; text: string }> = [
        ...allPanels(d).flatMap((p) => [
          { where: `'${p.title}' title`, text: p.title },
          ...(p.targets ?? []).map((t) => ({ where: `'${p.title}' ${t.refId}`, text: t.query ?? '' })),
          ...(p.fieldConfig?.defaults?.links ?? []).map((l) => ({ where: `'${p.title}' link`, text: l.url })),
        ]),
        ...(d.annotations?.list ?? []).map((a) => ({ where: `annotation '${a.name}'`, text: a.target?.query ?? '' })),
        ...(d.templating?.list ?? []).map((v) => ({ where: `variable ${v.name}`, text: v.query ?? '' })),
      ];
      const used = new Set<string>();
      const out: string[] = [];
      for (const { where, text } of texts) {
        for (const name of variableReferences(text)) {
          used.add(name);
          if (!defined.has(name) && !BUILT_IN_VARIABLES.has(name)) out.push(`${d.uid} ${where}: $${name} is not defined`);
        }
      }
      for (const name of defined) if (!used.has(name)) out.push(`${d.uid}: variable ${name} is never used`);
      // A variable's query may only use variables defined before it (Grafana resolves them in order).
      const list = d.templating?.list ?? [];
      list.forEach((v, i) => {
        for (const name of variableReferences(v.query ?? '')) {
          if (defined.has(name) && !list.slice(0, i).some((w) => w.name === name)) out.push(`${d.uid}: variable ${v.name} uses $${name}, defined after it`);
        }
      });
      return out;
    });
    expect(problems).toEqual([]);
  });

  it('links only to provisioned dashboards and app pages, passing variables the target defines', () => {
    const appPages = new Set((app?.includes ?? []).filter((i) => i.type === 'page' && i.path).map((i) => i.path!.replace('%PLUGIN_ID%', app!.id)));
    const problems = each((d) =>
      allPanels(d).flatMap((p) =>
        (p.fieldConfig?.defaults?.links ?? []).flatMap((link) => {
          const where = `${d.uid} '${p.title}' link '${link.title}'`;
          const dash = /^\/d\/([\w-]+)\/[\w-]+(\?.*)?$/.exec(link.url);
          if (dash) {
            const target = byUid.get(dash[1]!);
            if (!target) return [`${where}: no dashboard ${dash[1]}`];
            const targetVars = new Set((target.templating?.list ?? []).map((v) => v.name));
            const passed = [...link.url.matchAll(/var-(\w+)=/g)].map((m) => m[1]!).concat([...link.url.matchAll(/\$\{(\w+):queryparam\}/g)].map((m) => m[1]!));
            return passed.filter((v) => !targetVars.has(v)).map((v) => `${where}: ${target.uid} has no variable ${v}`);
          }
          const page = /^(\/a\/[\w-]+\/[\w-]+)/.exec(link.url);
          if (page) return appPages.has(page[1]!) ? [] : [`${where}: ${page[1]} is not a page of the finmon app`];
          return [`${where}: ${link.url} is neither a dashboard nor an app page`];
        }),
      ),
    );
    expect(problems).toEqual([]);
    // Summary dashboards drill down to a detail dashboard.
    const drillDowns = (uid: string) => allPanels(byUid.get(uid)!).flatMap((p) => p.fieldConfig?.defaults?.links ?? []).filter((l) => l.url.startsWith('/d/'));
    for (const uid of ['finmon-executive', 'finmon-treasury', 'finmon-revenue-expenses', 'finmon-operations', 'finmon-market']) {
      expect({ uid, drillDowns: drillDowns(uid).length > 0 }).toEqual({ uid, drillDowns: true });
    }
  });

  it('lays panels out on the 24-column grid without overlaps, in sizes that stay readable when phones stack them', () => {
    const problems = each((d) => {
      const out: string[] = [];
      const check = (panels: PanelJson[], scope: string) => {
        panels.forEach((p, i) => {
          const g = p.gridPos;
          if (g.x < 0 || g.y < 0 || g.x + g.w > 24) out.push(`${d.uid}${scope} '${p.title}': outside the grid`);
          if (p.type !== 'row' && (g.w < 4 || g.h < 3 || g.h > 14)) out.push(`${d.uid}${scope} '${p.title}': ${g.w}×${g.h} is too small or too tall`);
          for (const q of panels.slice(i + 1)) {
            const h = q.gridPos;
            if (g.x < h.x + h.w && h.x < g.x + g.w && g.y < h.y + h.h && h.y < g.y + g.h) out.push(`${d.uid}${scope}: '${p.title}' overlaps '${q.title}'`);
          }
        });
      };
      check(d.panels, '');
      for (const row of d.panels.filter((p) => p.type === 'row' && p.collapsed)) check(row.panels ?? [], ` row '${row.title}'`);
      if (new Set(allPanels(d).map((p) => p.id)).size !== allPanels(d).length) out.push(`${d.uid}: panel ids are not unique`);
      return out;
    });
    expect(problems).toEqual([]);
    // Phones show panels in grid order: each summary dashboard starts with its headline numbers.
    for (const uid of ['finmon-executive', 'finmon-treasury', 'finmon-revenue-expenses', 'finmon-operations', 'finmon-market']) {
      const first = [...byUid.get(uid)!.panels].sort((a, b) => a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x)[0]!;
      expect({ uid, first: ['stat', 'finmon-kpigauge-panel'].includes(first.type) }).toEqual({ uid, first: true });
    }
  });

  it('streams live KPI channels of Grafana Live only from the collector’s stream', () => {
    const live = each((d) => allPanels(d).flatMap((p) => (p.targets ?? []).filter((t) => t.queryType === 'measurements').map((t) => ({ uid: d.uid, channel: t.channel ?? '' }))));
    expect(live.length).toBeGreaterThan(0);
    for (const { uid, channel } of live) {
      const m = new RegExp(`^stream/${LIVE_STREAM_ID}/(\\w+)$`).exec(channel);
      expect({ uid, channel, kpi: m !== null && kpiIds.has(m[1]!) }).toEqual({ uid, channel, kpi: true });
    }
  });
});

describe('KPI gauges and covenants agree with metrics_config.json', () => {
  it('gauges name a KPI, query the refIds their options read, and colour by the KPI’s thresholds', () => {
    const gauges = each((d) => allPanels(d).filter((p) => p.type === 'finmon-kpigauge-panel').map((p) => ({ d, p })));
    expect(gauges.length).toBeGreaterThanOrEqual(6);
    for (const { d, p } of gauges) {
      const options = p.options as { kpiId: string; valueRefId: string };
      expect({ panel: p.title, kpi: kpiIds.has(options.kpiId) }).toEqual({ panel: p.title, kpi: true });
      expect((p.targets ?? []).map((t) => t.refId)).toContain(options.valueRefId);
      const limits = metrics.kpis.find((k) => k.id === options.kpiId)?.thresholds;
      if (!limits) continue;
      const steps = ((p.fieldConfig?.defaults as { thresholds?: { steps: Array<{ value: number | null }> } }).thresholds?.steps ?? []).map((s) => s.value);
      const expected = [limits.critical, limits.warning].map((l) => l?.above ?? l?.below).filter((v) => v !== undefined);
      expect({ dashboard: d.uid, panel: p.title, steps: expect.arrayContaining(expected) }).toEqual({ dashboard: d.uid, panel: p.title, steps });
    }
  });

  it('measures covenant headroom against the critical limits of the covenant KPIs', () => {
    const headroom = allPanels(byUid.get('finmon-treasury')!).find((p) => p.title === 'Covenant headroom')!;
    for (const t of headroom.targets ?? []) {
      const kpi = /FROM "(\w+)"/.exec(t.query ?? '')![1]!;
      const limit = metrics.kpis.find((k) => k.id === kpi)!.thresholds!.critical;
      const bound = limit.above ?? limit.below!;
      const expression = /^SELECT (.*) AS "/.exec(t.query ?? '')![1]!;
      const numbers = [...expression.matchAll(/\d+(?:\.\d+)?/g)].map((m) => Number(m[0])).filter((n) => n !== 100);
      expect({ kpi, numbers }).toEqual({ kpi, numbers: [bound, bound] });
    }
  });
});

describe('provisioning/plugins/finmon-app.yaml', () => {
  it('enables the finmon app with the collector URL and its token from the environment', () => {
    const file = parseYaml(fs.readFileSync(path.join(repo, 'provisioning/plugins/finmon-app.yaml'), 'utf8')) as {
      apiVersion: number;
      apps: Array<{ type: string; org_id: number; disabled: boolean; jsonData: Record<string, string>; secureJsonData: Record<string, string> }>;
    };
    expect(file.apiVersion).toBe(1);
    expect(file.apps).toHaveLength(1);
    expect(file.apps[0]).toMatchObject({ type: app?.id, disabled: false, jsonData: { collectorUrl: '$FINMON_COLLECTOR_URL' }, secureJsonData: { collectorToken: '$FINMON_COLLECTOR_TOKEN' } });
    expect(app?.id).toBe('finmon-kpi-app');
  });
});

describe('provisioning/access/folder-permissions.json', () => {
  it('gives permissions to exactly the provisioned role folders', () => {
    const config = JSON.parse(fs.readFileSync(path.join(repo, 'provisioning/access/folder-permissions.json'), 'utf8')) as { folders: Array<{ uid: string }> };
    expect(config.folders.map((f) => f.uid).sort()).toEqual([...new Set(dashboards.map((d) => d.folderUid))].sort());
  });
});
