import {
  calculateInterval,
  formatVariable,
  interpolateInfluxQuery,
  panelRange,
  parseGrafanaTime,
  resolveRange,
  resolveVariables,
  roundInterval,
  secondsToHms,
  variableReferences,
  type DashboardJson,
  type ResolvedVariable,
  type VariableJson,
} from '../collector/src/bench/dashboards-bench';

/**
 * The provisioning tests and bench:dashboards render queries as Grafana does; a wrong emulation
 * would test other queries than Grafana sends. These cases pin the emulation to Grafana's
 * behaviour (packages/grafana-data datemath and rangeutil, the InfluxDB datasource's variable
 * formatting), worked out by hand from Grafana's sources.
 */
const NY = 'America/New_York';
const NOW = Date.parse('2026-11-24T22:00:00Z'); // a Tuesday, 17:00 in New York (EST)
const DAY = 86_400_000;

describe("Grafana's time math", () => {
  it.each([
    ['now', false, '2026-11-24T22:00:00.000Z'],
    ['now-30d', false, '2026-10-25T21:00:00.000Z'], // calendar days keep the wall-clock time: 17:00 EDT
    ['now+13w', true, '2027-02-23T22:00:00.000Z'],
    ['now/d', false, '2026-11-24T05:00:00.000Z'],
    ['now/d', true, '2026-11-25T04:59:59.999Z'],
    ['now/M', false, '2026-11-01T04:00:00.000Z'], // 1 November starts in EDT; DST ends at 02:00 that day
    ['now/w', false, '2026-11-23T05:00:00.000Z'], // weeks start on Monday
    ['now-1d/d', false, '2026-11-23T05:00:00.000Z'],
    ['2026-01-02T03:04:05Z', false, '2026-01-02T03:04:05.000Z'],
  ])('%s (round up: %s) is %s in New York', (text, roundUp, expected) => {
    expect(new Date(parseGrafanaTime(text, NOW, NY, roundUp)).toISOString()).toBe(expected);
  });

  it('rejects what is not time math, naming it', () => {
    expect(() => parseGrafanaTime('now-3x', NOW, NY, false)).toThrow(/"now-3x" is not Grafana time math/);
    expect(() => parseGrafanaTime('yesterday', NOW, NY, false)).toThrow(/"yesterday"/);
  });

  it("applies a panel's relative time (up to now) and then its time shift", () => {
    const dashboard = resolveRange({ from: 'now-13w', to: 'now+13w' }, NOW, NY);
    expect(panelRange(dashboard, {}, NOW, NY)).toBe(dashboard);
    const relative = panelRange(dashboard, { timeFrom: '6h' }, NOW, NY);
    expect([relative.fromMs, relative.toMs]).toEqual([NOW - 6 * 3_600_000, NOW]);
    expect(panelRange(dashboard, { timeFrom: 'now-6h' }, NOW, NY)).toMatchObject({ fromMs: NOW - 6 * 3_600_000, toMs: NOW });
    const shifted = panelRange(resolveRange({ from: 'now-90d', to: 'now' }, NOW, NY), { timeShift: '1y' }, NOW, NY);
    expect(new Date(shifted.toMs).toISOString()).toBe('2025-11-24T22:00:00.000Z');
    expect(new Date(shifted.fromMs).toISOString()).toBe('2025-08-26T21:00:00.000Z');
  });
});

describe("Grafana's $__interval", () => {
  it.each([
    [30 * DAY, 500, '15m', '1h', 3_600_000], // 86.4 min → 1h
    [365 * DAY, 500, '15m', '12h', 43_200_000], // 17.5 h → 12h
    [90 * DAY, 300, '15m', '6h', 21_600_000], // 7.2 h → 6h
    [90 * DAY, 26, '1d', '1d', DAY], // 3.5 d → 1d (the ladder's step below 1w)
    [365 * DAY, 26, '1d', '7d', 604_800_000], // 14 d → 1w, written 7d
    [7 * DAY, 200, '1d', '1d', DAY], // 50 min → 1h, raised to the panel's 1d minimum
    [6 * 3_600_000, 300, '5m', '5m', 300_000], // 72 s → 1m, raised to 5m
    [3_600_000, 1000, undefined, '5s', 5_000], // 3.6 s → 5s (no minimum)
  ])('range %d ms / %d points, minimum %s → %s', (span, points, min, text, ms) => {
    expect(calculateInterval({ fromMs: 0, toMs: span, label: '' }, points, min)).toEqual({ text, ms });
  });

  it('rounds on the same ladder as Grafana and writes intervals as Grafana does', () => {
    expect([roundInterval(9), roundInterval(12), roundInterval(40_000), roundInterval(2_000_000), roundInterval(4_000_000_000)]).toEqual([1, 10, 30_000, 1_800_000, 31_536_000_000]);
    expect([secondsToHms(900), secondsToHms(3600), secondsToHms(86_400), secondsToHms(604_800), secondsToHms(2_592_000)]).toEqual(['15m', '1h', '1d', '7d', '30d']);
  });
});

describe('variables in InfluxQL', () => {
  const variable = (def: Partial<VariableJson>, options: string[], selected: string[] | 'all'): ResolvedVariable => ({
    def: { type: 'query', name: 'v', ...def },
    options,
    selected: selected === 'all' ? options : selected,
    allSelected: selected === 'all',
  });

  it.each([
    ['All of a multi-value variable without a custom all value', variable({ multi: true, includeAll: true }, ['apac', 'emea', 'na'], 'all'), '(apac|emea|na)'],
    ['All with a custom all value, unescaped', variable({ multi: true, includeAll: true, allValue: '.*' }, ['na'], 'all'), '.*'],
    ['several selected values, regex-escaped', variable({ multi: true }, ['a.b', 'c/d', 'e'], ['a.b', 'c/d']), '(a\\.b|c\\/d)'],
    ['one selected value of a multi-value variable', variable({ multi: true }, ['us_10y', 'sofr'], ['us_10y']), 'us_10y'],
    ['a single-value variable, as is', variable({}, ['cash_position', 'revenue'], ['cash_position']), 'cash_position'],
  ])('%s', (_what, v, expected) => {
    expect(formatVariable(v)).toBe(expected);
  });

  it('substitutes $timeFilter, $__interval and variables in every Grafana syntax, and refuses unknown ones', () => {
    const variables = new Map([['region', variable({ name: 'region', multi: true, includeAll: true }, ['emea', 'na'], 'all')]]);
    const ctx = { range: { fromMs: 1000, toMs: 2000, label: '' }, interval: { ms: 3_600_000, text: '1h' }, variables };
    expect(interpolateInfluxQuery('SELECT 1 FROM "m" WHERE "region" =~ /^$region$/ AND ${region} AND [[region]] AND $timeFilter GROUP BY time($__interval)', ctx)).toBe(
      'SELECT 1 FROM "m" WHERE "region" =~ /^(emea|na)$/ AND (emea|na) AND (emea|na) AND time >= 1000ms and time <= 2000ms GROUP BY time(1h)',
    );
    expect(() => interpolateInfluxQuery('SELECT 1 FROM "m" WHERE "a" = \'$nosuch\'', ctx)).toThrow(/\$nosuch, which is neither a variable of the dashboard nor one Grafana defines/);
    expect(variableReferences('${__url_time_range}&var-x=${region:queryparam}&[[kpi]]$col')).toEqual(['__url_time_range', 'region', 'kpi', 'col']);
  });

  it('resolves variables in order, through their queries, regex, sort and saved selection', async () => {
    const dashboard = {
      templating: {
        list: [
          { type: 'query', name: 'kpi', query: 'SHOW MEASUREMENTS', regex: '/^(?!rollup_).*$/', sort: 1, current: { text: 'nosuch', value: 'nosuch' } },
          { type: 'query', name: 'region', query: 'SHOW TAG VALUES FROM "$kpi" WITH KEY = "region"', multi: true, includeAll: true, current: { text: ['All'], value: ['$__all'] } },
        ],
      },
    } as unknown as DashboardJson;
    const asked: string[] = [];
    const answers: Record<string, Array<Record<string, string>>> = {
      'SHOW MEASUREMENTS': [{ name: 'revenue' }, { name: 'rollup_daily' }, { name: 'cash_position' }],
      'SHOW TAG VALUES FROM "cash_position" WITH KEY = "region"': [],
    };
    const resolved = await resolveVariables(
      dashboard,
      async (q) => {
        asked.push(q);
        const rows = answers[q] ?? [];
        return rows.length === 0 ? [] : [{ name: 'x', tags: {}, columns: Object.keys(rows[0]!), values: rows.map((r) => Object.values(r)), rows }];
      },
      { fromMs: 0, toMs: 1, label: '' },
    );
    // A saved value that is no longer offered falls back to the first option (sorted), as in Grafana.
    expect(resolved.get('kpi')).toMatchObject({ options: ['cash_position', 'revenue'], selected: ['cash_position'], allSelected: false });
    expect(asked[1]).toBe('SHOW TAG VALUES FROM "cash_position" WITH KEY = "region"');
    expect(resolved.get('region')).toMatchObject({ options: [], allSelected: true });
  });
});
