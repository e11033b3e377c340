import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, FinmonError } from '../core/errors';
import {
  ConfigValidationError,
  loadConfigPair,
  loadMetricsConfig,
  loadNotificationSettings,
  parseConfigPair,
  parseMetricsConfig,
  parseNotificationSettings,
} from './config-loader';

const REPO_ROOT = join(__dirname, '../../..');
const EXAMPLE_METRICS = join(REPO_ROOT, 'metrics_config.json');
const EXAMPLE_NOTIFICATIONS = join(REPO_ROOT, 'notification_settings.yaml');
const FIXTURES = join(__dirname, 'fixtures');
const GOOD_METRICS = join(FIXTURES, 'good/metrics_config.json');
const GOOD_NOTIFICATIONS = join(FIXTURES, 'good/notification_settings.yaml');

/** The KPI catalog of the shared brief: ids are fixed. */
const CATALOG = [
  'bank_balance', 'cash_position', 'net_cash_flow', 'revenue', 'cogs', 'expenses', 'gross_margin', 'burn_rate',
  'runway_months', 'accounts_receivable', 'dso', 'accounts_payable', 'inventory_value', 'inventory_turn', 'total_debt',
  'ebitda', 'interest_expense', 'debt_to_ebitda', 'interest_coverage', 'current_assets', 'current_liabilities',
  'current_ratio', 'new_customers', 'churned_customers', 'active_customers', 'churn_rate', 'marketing_spend', 'cac',
  'headcount', 'revenue_per_employee', 'platform_uptime', 'response_time_p95', 'stock_price', 'fx_rate',
  'interest_rate', 'cash_forecast_13w',
];

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to throw');
}

describe('the example configuration', () => {
  const pair = loadConfigPair({ metrics: EXAMPLE_METRICS, notifications: EXAMPLE_NOTIFICATIONS });

  it('loads both example files together', () => {
    expect(pair.metrics.company).toEqual({
      name: 'Northwind Robotics Inc.',
      reportingCurrency: 'USD',
      timezone: 'America/New_York',
      weekStartsOn: 'monday',
      cashForecast: { costPerHeadMonthly: 4700, payablesDays: 30, interestBenchmark: 'sofr', interestSpreadPct: 2.75 },
    });
    expect(pair.notifications.recipients.length).toBeGreaterThanOrEqual(6);
  });

  it('defines every KPI of the catalog, and only those', () => {
    expect(pair.metrics.kpis.map((k) => k.id).sort()).toEqual([...CATALOG].sort());
  });

  it('uses every rule kind at least once', () => {
    const kinds = new Set(pair.metrics.kpis.flatMap((k) => k.rules.map((r) => r.type)));
    expect([...kinds].sort()).toEqual(['anomaly', 'covenant', 'forecast', 'milestone', 'nodata', 'static', 'trend', 'variance']);
  });

  it('carries the three covenants of the brief', () => {
    const covenant = (id: string) => pair.metrics.kpis.find((k) => k.id === id)!.rules.find((r) => r.type === 'covenant');
    expect(covenant('debt_to_ebitda')).toMatchObject({ limit: 3.5, comparison: '<=', severity: 'critical' });
    expect(covenant('interest_coverage')).toMatchObject({ limit: 3.0, comparison: '>=' });
    expect(covenant('current_ratio')).toMatchObject({ limit: 1.25, comparison: '>=' });
  });

  it('alerts when the 15-minute bank feed is silent for 45 minutes', () => {
    const bank = pair.metrics.kpis.find((k) => k.id === 'bank_balance')!;
    expect(bank.rules.find((r) => r.type === 'nodata')).toMatchObject({ expectedEvery: '15m', after: '45m', severity: 'critical' });
  });

  it('has an escalation policy with three levels', () => {
    const policy = pair.notifications.escalation.policies.find((p) => p.id === 'finance-critical')!;
    expect(policy.levels).toHaveLength(3);
  });

  it('is deeply frozen', () => {
    const rule = pair.metrics.kpis[0]!.rules[0]!;
    expect(Object.isFrozen(pair)).toBe(true);
    expect(() => (pair.metrics.kpis as unknown[]).push({})).toThrow(TypeError);
    expect(() => {
      (rule as { severity: string }).severity = 'info';
    }).toThrow(TypeError);
    expect(() => {
      (pair.notifications.recipients[0]!.channels as { email?: string }).email = 'x@example.com';
    }).toThrow(TypeError);
  });
});

describe('good fixtures', () => {
  it('load, with defaults filled in', () => {
    const metrics = loadMetricsConfig(GOOD_METRICS);
    const bank = metrics.kpis.find((k) => k.id === 'bank_balance')!;
    expect(bank.rules[0]).toMatchObject({ type: 'nodata', severity: 'critical', scope: 'series' });
    expect(bank.rules[1]).toMatchObject({ type: 'static', severity: 'warning' });
    expect(metrics.company.weekStartsOn).toBe('monday');
    const settings = loadNotificationSettings(GOOD_NOTIFICATIONS);
    expect(settings.recipients[0]!.preferences.severities).toEqual(['critical', 'warning', 'info']);
    expect(settings.recipients[2]!.preferences.quietHours!.allow).toEqual(['critical']);
    expect(settings.escalation.policies[0]!.levels[0]!.when).toBe('always');
  });
});

interface ExpectedError {
  line: number;
  where: string;
  message: string;
  problems?: number;
}

describe('bad fixtures', () => {
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'bad/expected-errors.json'), 'utf8')) as Record<string, ExpectedError>;

  it('each have an expected error', () => {
    const files = ['metrics', 'notifications'].flatMap((dir) => readdirSync(join(FIXTURES, 'bad', dir)).map((f) => `${dir}/${f}`));
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s is rejected naming file, line, path and what was expected', (name, want) => {
    const path = join(FIXTURES, 'bad', name);
    const load = name.startsWith('metrics/') ? loadMetricsConfig : loadNotificationSettings;
    const err = thrown(() => load(path));
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect((err as FinmonError).code).toBe(ErrorCodes.CONFIG_INVALID);
    const problems = (err as ConfigValidationError).problems;
    expect(problems).toHaveLength(want.problems ?? 1);
    const lines = err.message.split('\n');
    const prefix = `${path}:${want.line}:`;
    const match = lines.find((l) => l.includes(prefix) && l.includes(want.where === '' ? want.message : `${want.where}: ${want.message}`));
    expect({ name, match }).toEqual({ name, match: expect.any(String) });
    // One line per problem after the summary line.
    expect(lines).toHaveLength(problems.length + 1);
  });
});

describe('loading errors', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'finmon-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing file is CONFIG_UNREADABLE naming the file', () => {
    const path = join(dir, 'nope.json');
    const err = thrown(() => loadMetricsConfig(path));
    expect(err).toBeInstanceOf(FinmonError);
    expect((err as FinmonError).code).toBe(ErrorCodes.CONFIG_UNREADABLE);
    expect(err.message).toBe(`cannot read metrics config ${path}: no such file`);
  });

  it('a directory is CONFIG_UNREADABLE', () => {
    const err = thrown(() => loadNotificationSettings(dir));
    expect((err as FinmonError).code).toBe(ErrorCodes.CONFIG_UNREADABLE);
    expect(err.message).toContain('it is a directory');
  });

  it('never repeats a literal secret in the error', () => {
    const err = thrown(() => loadNotificationSettings(join(FIXTURES, 'bad/notifications/literal-password.yaml')));
    expect(err.message).not.toContain('hunter2');
  });

  it('accepts a file that starts with a byte-order mark', () => {
    const path = join(dir, 'metrics_config.json');
    writeFileSync(path, `\ufeff${readFileSync(GOOD_METRICS, 'utf8')}`);
    expect(loadMetricsConfig(path).kpis).toHaveLength(4);
  });

  it('reports an empty notifications file as a missing object', () => {
    const err = thrown(() => parseNotificationSettings('', 'empty.yaml'));
    expect(err.message).toContain('empty.yaml: Invalid input: expected object, received null');
  });

  it('lists several problems of one file, one line each, in file order', () => {
    const text = readFileSync(GOOD_METRICS, 'utf8').replace('"cadence": "1d"', '"cadence": "daily"').replace('"pct": 10', '"pct": -10');
    const err = thrown(() => parseMetricsConfig(text, 'two.json')) as ConfigValidationError;
    expect(err.message.split('\n')).toEqual([
      'metrics config two.json is invalid (2 problems):',
      expect.stringMatching(/^ {2}two\.json:\d+:\d+: kpis\[3\] \(id "revenue"\)\.cadence: expected a duration/),
      expect.stringMatching(/^ {2}two\.json:\d+:\d+: kpis\[3\] \(id "revenue"\)\.rules\[0\] \(id "revenue-mtd"\)\.pct: Too small: expected number to be >0$/),
    ]);
  });
});

describe('parseConfigPair', () => {
  const metrics = { text: readFileSync(GOOD_METRICS, 'utf8'), file: 'metrics_config.json' };
  const notifications = { text: readFileSync(GOOD_NOTIFICATIONS, 'utf8'), file: 'notification_settings.yaml' };

  it('checks that routes name KPIs of the metrics config', () => {
    const text = notifications.text.replace('kpi: [cash_position]', 'kpi: [cash_postion]');
    const err = thrown(() => parseConfigPair(metrics, { ...notifications, text })) as ConfigValidationError;
    expect(err.problems).toHaveLength(1);
    expect(err.message).toContain(
      'notification_settings.yaml:42:44: routing.routes[0].match.kpi[0]: unknown KPI "cash_postion": the metrics config defines no KPI with this id',
    );
  });

  it('reports the problems of both files in one error, and applies neither', () => {
    const badMetrics = { ...metrics, text: metrics.text.replace('"probability": 0.3', '"probability": 3') };
    const badNotifications = { ...notifications, text: notifications.text.replace('port: 587', 'port: 0') };
    const err = thrown(() => parseConfigPair(badMetrics, badNotifications)) as ConfigValidationError;
    expect(err.problems.map((p) => p.file)).toEqual(['metrics_config.json', 'notification_settings.yaml']);
    expect(err.message.split('\n')[0]).toBe('finmon configuration is invalid (2 problems):');
  });

  it('returns both files frozen when both are valid', () => {
    const pair = parseConfigPair(metrics, notifications);
    expect(Object.isFrozen(pair.metrics.kpis[3]!.target)).toBe(true);
    expect(Object.isFrozen(pair.notifications.routing.routes[0]!.match)).toBe(true);
  });
});
