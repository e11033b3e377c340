import { calendarDay, dayIndexOfDate, localHour } from './calendar';
import { resolveIncidents } from './incidents';
import { forEachHealthSample } from './platform-health';

const none = resolveIncidents([], 0);

function samples(y: number, m: number, d: number, effects = none) {
  const out: { t: number; service: string; uptime: number; p95: number }[] = [];
  forEachHealthSample('seed', calendarDay(dayIndexOfDate(y, m, d)), effects, (t, service, uptime, p95) => out.push({ t, service, uptime, p95 }));
  return out;
}

describe('platform health', () => {
  it('samples every service every 5 minutes of the local day', () => {
    const day = samples(2024, 4, 2);
    expect(day.filter((s) => s.service === 'api')).toHaveLength(288);
    expect(day).toHaveLength(4 * 288);
    expect(samples(2024, 11, 3).filter((s) => s.service === 'web')).toHaveLength(300);
  });

  it('averages ~99.95 % uptime over a month', () => {
    let sum = 0;
    let n = 0;
    for (let d = 1; d <= 30; d++) for (const s of samples(2024, 4, d)) (sum += s.uptime), n++;
    expect(sum / n).toBeGreaterThan(99.9);
    expect(sum / n).toBeLessThan(99.99);
  });

  it('follows the daily load cycle: p95 higher mid-afternoon than before dawn', () => {
    const day = calendarDay(dayIndexOfDate(2024, 4, 3));
    const api = samples(2024, 4, 3).filter((s) => s.service === 'api');
    const mean = (from: number, to: number) => {
      const v = api.filter((s) => localHour(day, s.t) >= from && localHour(day, s.t) < to).map((s) => s.p95);
      return v.reduce((a, b) => a + b, 0) / v.length;
    };
    expect(mean(14, 17)).toBeGreaterThan(1.4 * mean(3, 5));
  });

  it('collapses uptime and inflates p95 of the service in an outage, and only there', () => {
    const day = calendarDay(dayIndexOfDate(2024, 4, 3));
    const start = day.startMs + 10 * 3_600_000;
    const effects = resolveIncidents([{ kind: 'outage', start, service: 'payments', durationMs: 3_600_000 }], 0);
    const all = samples(2024, 4, 3, effects);
    const inside = all.filter((s) => s.t >= start && s.t < start + 3_600_000);
    expect(inside.filter((s) => s.service === 'payments').every((s) => s.uptime < 60 && s.p95 > 2000)).toBe(true);
    expect(inside.filter((s) => s.service === 'api').every((s) => s.uptime > 80)).toBe(true);
  });
});
