import path from 'node:path';
import { loadMetricsConfig } from '../config/config-loader';
import { ManualClock } from '../core/clock';
import { silentLogger } from '../core/logger';
import type { Point } from '../core/point';
import { KpiEngine } from '../kpi/kpi-engine';
import { InMemoryKvStateStore } from '../storage/state/in-memory-kv-state-store';
import { anchorDemoCompany, dailyKpis } from './demo-mode';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 24, 15, 0);
const metrics = loadMetricsConfig(path.join(__dirname, '..', '..', '..', 'metrics_config.json'));

describe('demo mode', () => {
  it('keeps the history anchor across restarts and moves it when the seed or length changes', async () => {
    const clock = new ManualClock(NOW);
    const kv = new InMemoryKvStateStore(clock);
    const first = await anchorDemoCompany(kv, { seed: 42, backfillDays: 30, clock, logger: silentLogger() });
    clock.advance(3 * DAY);
    const again = await anchorDemoCompany(kv, { seed: 42, backfillDays: 30, clock, logger: silentLogger() });
    expect(again.anchor).toEqual(first.anchor);
    const other = await anchorDemoCompany(kv, { seed: 7, backfillDays: 30, clock, logger: silentLogger() });
    expect(other.anchor.start).toBe(first.anchor.start + 3 * DAY);
  });

  it("drives the KPIs past the levels its critical incidents claim, computed as the collector computes them", async () => {
    const clock = new ManualClock(NOW);
    const { company, anchor } = await anchorDemoCompany(new InMemoryKvStateStore(clock), {
      seed: 42,
      backfillDays: 365,
      clock,
      logger: silentLogger(),
    });
    const engine = new KpiEngine({ config: metrics, rollups: 'deferred', requireFullWindows: true });
    const daily = dailyKpis(metrics);
    for (let t = anchor.start - 365 * DAY; t < anchor.start; t += DAY) engine.ingest(company.generate(t, t + DAY, { kpis: daily }));
    const seen: Point[] = [];
    const watched = new Set(['cash_position', 'debt_to_ebitda', 'platform_uptime']);
    for (let t = anchor.start; t < NOW; t += DAY) {
      const day = company.generate(t, t + DAY);
      const { derived } = engine.ingest(day);
      engine.flushRollups();
      for (const p of [...day, ...derived]) if (watched.has(p.kpi)) seen.push(p);
    }
    const during = (kpi: string, from: number, to: number) => seen.filter((p) => p.kpi === kpi && p.time >= from && p.time < to).map((p) => p.value);
    const incidents = company.incidents();
    const cashDrop = incidents.find((i) => i.kind === 'cash_drop')!;
    const squeeze = incidents.find((i) => i.kind === 'covenant_squeeze')!;
    const outage = incidents.find((i) => i.kind === 'outage')!;
    // metrics_config.json: cash critical below $4M; debt_to_ebitda covenant 3.5; uptime well below 99%.
    expect(Math.min(...during('cash_position', cashDrop.start, cashDrop.end))).toBeLessThan(4_000_000);
    expect(Math.max(...during('debt_to_ebitda', squeeze.start, squeeze.end + 30 * DAY))).toBeGreaterThan(3.5);
    expect(Math.min(...during('platform_uptime', outage.start, outage.end))).toBeLessThan(99);
    // Outside its incidents the company is healthy: no covenant breach, cash above the warning level.
    const quiet = (p: Point) => !incidents.some((i) => p.time >= i.start && p.time < i.end + 60 * DAY);
    expect(Math.max(...seen.filter((p) => p.kpi === 'debt_to_ebitda' && quiet(p)).map((p) => p.value))).toBeLessThan(3.5);
    expect(Math.min(...seen.filter((p) => p.kpi === 'cash_position' && quiet(p)).map((p) => p.value))).toBeGreaterThan(6_000_000);
  });
});
