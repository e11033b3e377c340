import path from 'node:path';
import type { Alert, AlertTransition } from '../../alerting/alert-model';
import { loadMetricsConfig, loadNotificationSettings } from '../../config/config-loader';
import { durationMs } from '../../config/kpi-schema';
import { baselinePagesOf, replayDemoYear, warmupMetrics } from './fatigue-replay';
import { scorePages } from './fatigue-score';
import { plainThresholdMetrics } from './plain-threshold-config';

const ROOT = path.resolve(__dirname, '../../../..');
const metrics = loadMetricsConfig(path.join(ROOT, 'metrics_config.json'));
const settings = loadNotificationSettings(path.join(ROOT, 'notification_settings.yaml'));
const MIN = 60_000;
const DAY = 86_400_000;

describe('warmupMetrics', () => {
  it('keeps the rules of KPIs reported daily or less often and drops the others', () => {
    const warm = warmupMetrics(metrics);
    expect(warm.kpis.map((k) => k.id)).toEqual(metrics.kpis.map((k) => k.id));
    for (const k of warm.kpis) {
      const original = metrics.kpis.find((o) => o.id === k.id)!;
      expect(k.rules).toEqual(durationMs(k.cadence) >= DAY ? original.rules : []);
    }
    const ruled = (id: string) => warm.kpis.find((k) => k.id === id)!.rules.length;
    expect(ruled('platform_uptime')).toBe(0);
    expect(ruled('bank_balance')).toBe(0);
    expect(ruled('revenue')).toBeGreaterThan(0);
  });
});

describe('baselinePagesOf', () => {
  const alert = { kpi: 'platform_uptime', series: { service: 'api' }, ruleId: 'uptime-critical', severity: 'critical', fingerprint: 'f1' } as unknown as Alert;
  const t = (from: AlertTransition['from'], to: AlertTransition['to'], at: number): AlertTransition =>
    ({ fingerprint: 'f1', from, to, at, actor: { kind: 'system', name: 'engine' }, reason: '', alert }) as AlertTransition;

  it('makes a page of every new firing and re-fire, none of updates, acknowledgements and resolutions', () => {
    const pages = baselinePagesOf([
      t(null, 'firing', 1),
      t('firing', 'firing', 2),
      t('firing', 'acknowledged', 3),
      t('acknowledged', 'firing', 4),
      t('firing', 'resolved', 5),
      t('resolved', 'firing', 6),
      t(null, 'pending', 7),
      t('pending', 'firing', 8),
    ]);
    expect(pages.map((p) => p.at)).toEqual([1, 6, 8]);
    expect(pages[0]).toEqual({
      at: 1,
      reason: 'firing',
      severity: 'critical',
      recipients: [],
      alerts: [{ kpi: 'platform_uptime', series: { service: 'api' }, ruleId: 'uptime-critical' }],
      source: 'f1',
    });
  });
});

describe('replayDemoYear', () => {
  // 2025-06-03 is a Tuesday; the outage runs 14:00–15:00 New York time (18:00–19:00 UTC).
  const anchor = Date.UTC(2025, 5, 3);
  const outageStart = anchor + 18 * 3_600_000;

  it('pages the SRE on call for an injected outage within minutes and says when it is over', async () => {
    const result = await replayDemoYear({
      metrics,
      settings,
      baseline: plainThresholdMetrics(metrics),
      seed: 42,
      anchor,
      days: 1,
      warmupDays: 0,
      incidents: [{ kind: 'outage', id: 'outage-api', start: outageStart, service: 'api', durationMs: 3_600_000 }],
      ack: 'none',
    });
    expect(result.incidents.map((i) => i.id)).toEqual(['outage-api']);
    expect(result.stats.rawPoints).toBeGreaterThan(2000);
    expect(result.stats.ticks).toBe(24 * 60);

    const score = scorePages(result.pages, result.incidents);
    expect(score.detected).toBe(1);
    expect(score.outcomes[0]!.firstPageAfterMs).toBeLessThanOrEqual(20 * MIN);
    // (The day's routine short degradations may page before: the outage's incident is the first after its start.)
    const first = result.pages.find((p) => p.at >= outageStart && p.alerts.some((a) => a.kpi === 'platform_uptime' && a.series.service === 'api'))!;
    expect(first).toMatchObject({ reason: 'firing', severity: 'critical' });
    const onCall = ['sre-alex', 'sre-jordan', 'sre-sam'];
    expect(first.recipients.some((r) => onCall.includes(r))).toBe(true);
    const resolved = result.pages.find((p) => p.reason === 'resolved' && p.source === first.source);
    expect(resolved?.at).toBeGreaterThanOrEqual(outageStart + 3_600_000);
    expect(resolved!.at).toBeLessThan(outageStart + 3_600_000 + 30 * MIN);

    // The plain setup pages the same outage too (no `for`: sooner), once per rule and series.
    const base = scorePages(result.baselinePages, result.incidents, { countWithoutRecipients: true });
    expect(base.detected).toBe(1);
    expect(base.outcomes[0]!.firstPageAfterMs).toBeLessThanOrEqual(score.outcomes[0]!.firstPageAfterMs!);
  }, 120_000);

  it('acknowledges a paged incident a few minutes after the page, which stops its escalation', async () => {
    const run = (ack: 'none' | 'each') =>
      replayDemoYear({
        metrics,
        settings,
        seed: 42,
        anchor,
        days: 1,
        warmupDays: 0,
        incidents: [{ kind: 'outage', id: 'outage-api', start: outageStart, service: 'api', durationMs: 3_600_000 }],
        ack,
        ackDelayMs: 5 * MIN,
      });
    const [none, each] = [await run('none'), await run('each')];
    const escalations = (result: typeof none) =>
      result.pages.filter((p) => p.reason === 'escalation' && p.at >= outageStart && p.alerts.some((a) => a.series.service === 'api')).length;
    expect(each.stats.acknowledgements).toBeGreaterThan(0);
    expect(none.stats.acknowledgements).toBe(0);
    expect(escalations(none)).toBeGreaterThan(0); // the sre-oncall level 0 times out after 10 minutes
    expect(escalations(each)).toBe(0);
  }, 240_000);
});
