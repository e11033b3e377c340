import { needsUpdate, type NotificationLog } from './needs-update';

const HOUR = 3_600_000;
const log = (firing: string[], at = 0): NotificationLog => ({ firing, resolved: [], at });

// The cases of Alertmanager's TestDedupStageNeedsUpdate, with finmon's deviations noted.
describe('needsUpdate', () => {
  it.each<[string, NotificationLog | undefined, string[], number | undefined, number, string | undefined]>([
    ['nothing notified, something fires', undefined, ['a'], 4 * HOUR, 0, 'firing'],
    ['nothing notified, nothing fires', undefined, [], 4 * HOUR, 0, undefined],
    ['a new alert fires', log(['a']), ['a', 'b'], 4 * HOUR, 1, 'update'],
    ['fewer alerts fire (one resolved): no update', log(['a', 'b']), ['a'], 4 * HOUR, 1, undefined],
    ['same alerts, before the repeat interval', log(['a']), ['a'], 4 * HOUR, 4 * HOUR - 1, undefined],
    ['same alerts, at the repeat interval', log(['a']), ['a'], 4 * HOUR, 4 * HOUR, 'repeat'],
    ['same alerts, never repeating (acknowledged)', log(['a']), ['a'], undefined, 100 * HOUR, undefined],
    // Alertmanager notifies "all resolved" here; finmon tells the resolution of the whole incident at once instead.
    ['nothing fires any more', log(['a']), [], 4 * HOUR, 5 * HOUR, undefined],
  ])('%s', (_, last, firing, repeat, now, expected) => {
    expect(needsUpdate(last, new Set(firing), repeat, now)).toBe(expected);
  });
});
