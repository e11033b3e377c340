import { compileConsolidation } from './consolidation-config';
import { consolidationSchema } from '../config/consolidation-schema';
import { groupKeyOf } from './group-key';
import { alert } from './test-support/alert-fixtures';

describe('groupKeyOf', () => {
  it.each([
    [['kpi', 'category'], alert({ kpi: 'revenue' }), '{kpi="revenue",category="financial"}'],
    [['kpi', 'region'], alert({ kpi: 'revenue', series: { region: 'emea' } }), '{kpi="revenue",region="emea"}'],
    [['kpi', 'region'], alert({ kpi: 'revenue' }), '{kpi="revenue",region=""}'],
    [['team'], alert({ labels: { team: 'a"b' } }), '{team="a\\"b"}'],
    [['kpi'], alert({ kpi: 'revenue', severity: 'info' }), '{kpi="revenue",class="information"}'],
    [['kpi', 'class'], alert({ kpi: 'revenue', severity: 'info' }), '{kpi="revenue",class="information"}'],
  ])('by %j', (groupBy, a, expected) => {
    expect(groupKeyOf(a, groupBy)).toBe(expected);
  });
});

describe('compileConsolidation', () => {
  it('turns durations into milliseconds and applies per-severity timing', () => {
    const config = compileConsolidation(consolidationSchema.parse({ groupWait: '0s', timing: { critical: { groupWait: '5s' }, info: { repeatInterval: '1d' } } }));
    expect(config.timing('warning')).toEqual({ groupWaitMs: 0, groupIntervalMs: 300_000, repeatIntervalMs: 14_400_000 });
    expect(config.timing('critical')).toEqual({ groupWaitMs: 5_000, groupIntervalMs: 300_000, repeatIntervalMs: 14_400_000 });
    expect(config.timing('info').repeatIntervalMs).toBe(86_400_000);
    expect(config.correlation.windowMs).toBe(300_000);
    expect(config.keepResolvedMs).toBe(90 * 86_400_000);
  });
});
