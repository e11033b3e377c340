import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Checks dashboard JSON against Grafana's published TypeScript types (@grafana/schema): each
 * dashboard is written as an object literal typed `Dashboard`, each panel's options and custom
 * field config as literals typed with the panel's own published options (`panelcfg` types of
 * Grafana's panels; the finmon plugin's option interfaces for its panels), and the TypeScript
 * compiler reports what does not fit: unknown properties (excess property checks), wrong types,
 * values outside an enum. Grafana fills missing panel options from the panel's defaults, so panel
 * options are checked as deep partials; the dashboard itself is checked as is.
 *
 * JSON carries an enum's value ("absolute"), not the enum (ThresholdsMode.Absolute), so enum
 * types are widened to the union of their values before the check (`Json<T>` below).
 *
 * @grafana/schema types queries only as DataQuery (panel targets as `Record<string, unknown>`);
 * the query models of Grafana's InfluxDB and built-in "-- Grafana --" datasources are not
 * published, so the prelude below restates them from Grafana's sources
 * (public/app/plugins/datasource/influxdb/types.ts, public/app/plugins/datasource/grafana/types.ts)
 * and every target and annotation query is checked against the model of its datasource.
 */

/** Where @grafana/schema is installed: the repository's node_modules, else the plugin's. */
export function findGrafanaSchema(repoRoot: string): string | undefined {
  for (const base of [repoRoot, path.join(repoRoot, 'plugin')]) {
    try {
      return path.dirname(require.resolve('@grafana/schema/package.json', { paths: [base] }));
    } catch {
      // not installed there
    }
  }
  return undefined;
}

/** Grafana panel type id → folder of its published options under dist/types/raw/composable. */
const PANELCFG_DIR: Record<string, string> = {
  timeseries: 'timeseries',
  stat: 'stat',
  bargauge: 'bargauge',
  gauge: 'gauge',
  table: 'table',
  heatmap: 'heatmap',
  'state-timeline': 'statetimeline',
  'status-history': 'statushistory',
  text: 'text',
  barchart: 'barchart',
  piechart: 'piechart',
  histogram: 'histogram',
  dashlist: 'dashboardlist',
  news: 'news',
  annolist: 'annotationslist',
  xychart: 'xychart',
  trend: 'trend',
};

export interface PluginPanelTypes {
  /** Panel type id, e.g. finmon-kpigauge-panel. */
  readonly id: string;
  /** A .ts file exporting the options interface. */
  readonly file: string;
  readonly optionsInterface: string;
}

export interface SchemaCheckInput {
  readonly name: string;
  /** A dashboard's parsed JSON. */
  readonly dashboard: object;
}

/** The parts of a dashboard the check walks through. */
interface DashboardShape {
  panels?: PanelShape[];
}
interface PanelShape {
  id?: number;
  type: string;
  datasource?: { type?: string };
  targets?: Array<{ refId?: string; datasource?: { type?: string } }>;
  options?: unknown;
  fieldConfig?: { defaults?: { custom?: unknown } };
  panels?: PanelShape[];
}

export interface SchemaProblem {
  readonly dashboard: string;
  /** What the literal stands for: "dashboard" or "panel 3 (timeseries)". */
  readonly subject: string;
  readonly message: string;
  /** The generated line the compiler points at, to locate the JSON property. */
  readonly line: string;
}

const PRELUDE = `
type Json<T> = T extends string ? \`\${T}\` : T extends number | boolean | null | undefined ? T
  : T extends readonly (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;
type DeepPartial<T> = T extends readonly (infer U)[] ? DeepPartial<U>[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
/** Grafana's InfluxDB query model (InfluxQL raw or builder; the last fields only in annotation queries). */
interface InfluxQuery extends DataQuery {
  query?: string;
  rawQuery?: boolean;
  resultFormat?: 'time_series' | 'table' | 'logs';
  alias?: string;
  policy?: string;
  measurement?: string;
  orderByTime?: 'ASC' | 'DESC';
  tags?: Array<{ key: string; operator?: string; condition?: string; value: string }>;
  groupBy?: Array<{ type: string; params?: string[] }>;
  select?: Array<Array<{ type: string; params?: string[] }>>;
  limit?: string | number;
  slimit?: string | number;
  tz?: string;
  fill?: string;
  fromAnnotations?: boolean;
  titleColumn?: string;
  textColumn?: string;
  tagsColumn?: string;
  timeEndColumn?: string;
}
/** The built-in "-- Grafana --" datasource's query model (Live measurements and friends). */
interface GrafanaQuery extends DataQuery {
  queryType: 'randomWalk' | 'measurements' | 'annotations' | 'snapshot' | 'timeRegions' | 'list' | 'read' | 'search' | 'searchNext';
  channel?: string;
  filter?: { fields?: string[] };
  buffer?: number;
  path?: string;
}
type FinmonDashboard = Omit<Dashboard, 'annotations'> & {
  annotations?: Omit<AnnotationContainer, 'list'> & { list?: Array<AnnotationQuery<InfluxQuery>> };
};
`;
const TARGET_TYPES: Record<string, string> = { influxdb: 'InfluxQuery', datasource: 'GrafanaQuery', grafana: 'GrafanaQuery' };

function panelsOf(dashboard: DashboardShape): PanelShape[] {
  return (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Type-checks the dashboards; returns every problem the compiler found (empty when all fit). */
export function checkDashboardsAgainstSchema(
  dashboards: readonly SchemaCheckInput[],
  schemaDir: string,
  pluginPanels: readonly PluginPanelTypes[],
): SchemaProblem[] {
  const typesDir = path.join(schemaDir, 'dist', 'types');
  const imports: string[] = [`import type { AnnotationContainer, AnnotationQuery, Dashboard, DataQuery } from ${JSON.stringify(path.join(typesDir, 'index'))};`];
  const panelTypes = new Map<string, { options?: string; fieldConfig?: string }>();
  for (const [type, dir] of Object.entries(PANELCFG_DIR)) {
    const file = path.join(typesDir, 'raw', 'composable', dir, 'panelcfg', 'x', 'types.gen.d.ts');
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    const alias = `P_${dir}`;
    imports.push(`import type * as ${alias} from ${JSON.stringify(file.replace(/\.d\.ts$/, ''))};`);
    panelTypes.set(type, {
      options: /export interface Options\b/.test(text) ? `${alias}.Options` : undefined,
      fieldConfig: /export interface FieldConfig\b/.test(text) ? `${alias}.FieldConfig` : undefined,
    });
  }
  pluginPanels.forEach((p, i) => {
    imports.push(`import type { ${p.optionsInterface} as Plugin${i} } from ${JSON.stringify(p.file.replace(/\.tsx?$/, ''))};`);
    panelTypes.set(p.id, { options: `Plugin${i}` });
  });

  const lines: string[] = [...imports, ...PRELUDE.split('\n')];
  const subjects: Array<{ from: number; to: number; dashboard: string; subject: string }> = [];
  const add = (dashboard: string, subject: string, code: string) => {
    const from = lines.length;
    lines.push(...code.split('\n'));
    subjects.push({ from, to: lines.length, dashboard, subject });
  };
  dashboards.forEach((d, i) => {
    add(d.name, 'dashboard', `export const dashboard${i}: Json<FinmonDashboard> = ${JSON.stringify(d.dashboard, null, 2)};`);
    for (const panel of panelsOf(d.dashboard as DashboardShape)) {
      (panel.targets ?? []).forEach((target, t) => {
        const dsType = target.datasource?.type ?? panel.datasource?.type ?? '';
        const model = TARGET_TYPES[dsType];
        const subject = `panel ${panel.id ?? '?'} (${panel.type}) target ${target.refId ?? t}`;
        if (!model) {
          add(d.name, subject, `// no query model for datasource type "${dsType}"\nexport const unknownDatasource${i}_${panel.id}_${t}: never = 0;`);
          return;
        }
        add(d.name, subject, `export const target${i}_${panel.id}_${t}: Json<${model}> = ${JSON.stringify(target, null, 2)};`);
      });
      const types = panelTypes.get(panel.type);
      if (!types) continue; // rows, and panels without published options
      const subject = `panel ${panel.id ?? '?'} (${panel.type})`;
      if (types.options && panel.options !== undefined) {
        add(d.name, `${subject} options`, `export const options${i}_${panel.id}: DeepPartial<Json<${types.options}>> = ${JSON.stringify(panel.options, null, 2)};`);
      }
      const custom = panel.fieldConfig?.defaults?.custom;
      if (types.fieldConfig && custom !== undefined) {
        add(d.name, `${subject} fieldConfig.defaults.custom`, `export const custom${i}_${panel.id}: DeepPartial<Json<${types.fieldConfig}>> = ${JSON.stringify(custom, null, 2)};`);
      }
    }
  });

  const virtualFile = path.join(typesDir, '__finmon_dashboard_check__.ts');
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) =>
    fileName === virtualFile ? ts.createSourceFile(fileName, source, languageVersion, true) : getSourceFile(fileName, languageVersion, onError, shouldCreate);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => fileName === virtualFile || fileExists(fileName);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => (fileName === virtualFile ? source : readFile(fileName));
  const program = ts.createProgram({ rootNames: [virtualFile], options, host });
  const diagnostics = [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics(), ...program.getGlobalDiagnostics()];

  return diagnostics.map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (!diagnostic.file || diagnostic.start === undefined || diagnostic.file.fileName !== virtualFile) {
      return { dashboard: '(setup)', subject: diagnostic.file?.fileName ?? 'compiler', message, line: '' };
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const owner = subjects.find((s) => line >= s.from && line < s.to);
    return { dashboard: owner?.dashboard ?? '(imports)', subject: owner?.subject ?? 'imports', message, line: (lines[line] ?? '').trim() };
  });
}
