import { join } from 'node:path';
import { loadConfigPair, parseNotificationSettings } from './config-loader';
import { consolidationSchema, DEFAULT_CORRELATION_RELATIONS, DEFAULT_INHIBIT_RULES, waitDurationMs } from './consolidation-schema';

const REPO_ROOT = join(__dirname, '../../..');

function problems(input: unknown): string[] {
  const result = consolidationSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('consolidation settings', () => {
  it('defaults every key (the section may be left out)', () => {
    expect(consolidationSchema.parse({})).toEqual({
      groupBy: ['kpi', 'category'],
      groupWait: '30s',
      groupInterval: '5m',
      repeatInterval: '4h',
      timing: {},
      inhibit: DEFAULT_INHIBIT_RULES,
      correlation: { window: '5m', relations: DEFAULT_CORRELATION_RELATIONS },
      maintenance: [],
      keepResolved: '90d',
    });
  });

  it('the example notification_settings.yaml loads with its consolidation section', () => {
    const pair = loadConfigPair({
      metrics: join(REPO_ROOT, 'metrics_config.json'),
      notifications: join(REPO_ROOT, 'notification_settings.yaml'),
    });
    const c = pair.notifications.consolidation;
    expect(c.timing.critical).toEqual({ groupWait: '0s' });
    expect(c.inhibit.map((r) => r.name)).toEqual(['critical-over-warning', 'failed-source', 'stale-data']);
    expect(c.inhibit[1]!.target).toEqual([{ name: 'origin', op: '!~', value: 'source_failure|nodata' }]);
    expect(c.maintenance[0]).toMatchObject({ name: 'erp-nightly-reload', cron: '0 2 * * *', duration: '1h', timezone: 'America/New_York' });
  });

  it('reports a bad section with file, line and path through the loader', () => {
    const text = 'version: 1\nrecipients:\n  - { id: a, name: A, timezone: UTC, channels: { email: a@example.com } }\nchannels:\n  email: { smtp: { host: h, port: 25 }, from: "x <x@example.com>" }\nrouting:\n  default: { receivers: { recipients: [a] } }\nconsolidation:\n  groupWait: soon\n';
    expect(() => parseNotificationSettings(text, 'notification_settings.yaml')).toThrow(
      /notification_settings\.yaml:9:3: consolidation\.groupWait: expected a duration such as "0s"/,
    );
  });

  it.each<[string, unknown, string]>([
    ['an unknown key', { groupwait: '30s' }, 'Unrecognized key'],
    ['a zero group interval', { groupInterval: '0s' }, 'groupInterval: a duration such as "30s"'],
    ['a repeat shorter than the group interval', { groupInterval: '10m', repeatInterval: '5m' }, 'repeatInterval: repeatInterval (5m) must not be shorter than groupInterval (10m)'],
    ['the same in a severity override', { timing: { info: { groupInterval: '1d' } } }, 'timing.info.repeatInterval: repeatInterval (4h) must not be shorter than groupInterval (1d)'],
    ['an empty groupBy', { groupBy: [] }, 'groupBy'],
    ['a bad label name', { groupBy: ['KPI'] }, 'groupBy.0: a label name'],
    ['a bad matcher regex', { inhibit: [{ name: 'x', source: [{ name: 'kpi', op: '=~', value: '[' }] }] }, 'inhibit.0.source.0.value: "[" is not a valid regular expression'],
    ['an inhibit rule without source', { inhibit: [{ name: 'x', source: [] }] }, 'inhibit.0.source'],
    ['duplicate inhibit rule names', { inhibit: [{ name: 'x', source: [{ name: 'kpi', value: 'a' }] }, { name: 'x', source: [{ name: 'kpi', value: 'b' }] }] }, 'inhibit.1.name: duplicate inhibit rule name "x" (first at inhibit[0])'],
    ['an unknown dependsOn', { inhibit: [{ name: 'x', source: [{ name: 'kpi', value: 'a' }], dependsOn: 'team' }] }, 'inhibit.0.dependsOn'],
    ['an unknown correlation relation', { correlation: { relations: [{ kind: 'same_team' }] } }, 'correlation.relations.0.kind'],
    ['same_entity without dimensions', { correlation: { relations: [{ kind: 'same_entity', dimensions: [] }] } }, 'correlation.relations.0.dimensions'],
    ['a window with neither times nor cron', { maintenance: [{ name: 'w', matchers: [{ name: 'kpi', value: 'a' }] }] }, 'maintenance.0: give start and end (one window) or cron and duration (recurring)'],
    ['a window with both', { maintenance: [{ name: 'w', matchers: [{ name: 'kpi', value: 'a' }], start: '2025-01-01T00:00', end: '2025-01-02T00:00', cron: '0 2 * * *', duration: '1h' }] }, 'not both'],
    ['a window ending before it starts', { maintenance: [{ name: 'w', matchers: [{ name: 'kpi', value: 'a' }], start: '2025-01-02T00:00', end: '2025-01-01T00:00' }] }, 'maintenance.0.end: the window ends (2025-01-01T00:00) before or when it starts'],
    ['a start that is no date', { maintenance: [{ name: 'w', matchers: [{ name: 'kpi', value: 'a' }], start: '2025-02-30T00:00', end: '2025-03-01T00:00' }] }, 'maintenance.0.start: "2025-02-30T00:00" is not a valid date and time'],
    ['a start without end', { maintenance: [{ name: 'w', matchers: [{ name: 'kpi', value: 'a' }], start: '2025-02-01T00:00' }] }, 'maintenance.0.end: a window with a start needs an end'],
    ['a cron without duration', { maintenance: [{ name: 'w', matchers: [{ name: 'kpi', value: 'a' }], cron: '0 2 * * *' }] }, 'maintenance.0.duration: a recurring window needs a duration'],
    ['a bad cron', { maintenance: [{ name: 'w', matchers: [{ name: 'kpi', value: 'a' }], cron: '0 2 * *', duration: '1h' }] }, 'maintenance.0.cron: "0 2 * *" has 4 fields'],
    ['a bad time zone', { maintenance: [{ name: 'w', matchers: [{ name: 'kpi', value: 'a' }], cron: '0 2 * * *', duration: '1h', timezone: 'Mars/Olympus' }] }, 'maintenance.0.timezone: "Mars/Olympus" is not an IANA time zone'],
    ['a window without matchers', { maintenance: [{ name: 'w', matchers: [], cron: '0 2 * * *', duration: '1h' }] }, 'maintenance.0.matchers'],
    ['duplicate window names', { maintenance: [0, 1].map(() => ({ name: 'w', matchers: [{ name: 'kpi', value: 'a' }], cron: '0 2 * * *', duration: '1h' })) }, 'maintenance.1.name: duplicate maintenance window name "w"'],
  ])('rejects %s', (_, input, message) => {
    expect(problems(input).join('\n')).toContain(message);
  });

  it('accepts a zero group wait', () => {
    expect(problems({ groupWait: '0s', timing: { critical: { groupWait: '0ms' } } })).toEqual([]);
    expect(waitDurationMs('0s')).toBe(0);
    expect(waitDurationMs('30s')).toBe(30_000);
    expect(() => waitDurationMs('soon')).toThrow('not a duration');
  });
});
