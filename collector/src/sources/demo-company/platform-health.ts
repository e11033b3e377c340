import { localHour } from './calendar';
import type { CalendarDay } from './calendar';
import { PROFILE, SERVICES } from './company-profile';
import type { Service } from './company-profile';
import type { IncidentEffects } from './incidents';
import { Rng } from './random';

/**
 * Platform health every 5 minutes per service: uptime (% of successful checks in the interval,
 * ~99.95 % on average from rare short degradations) and p95 response time following a daily load
 * cycle (busiest mid-afternoon New York time, quieter at night and on weekends). Stateless: a day's
 * values depend only on the seed, the day and the injected outages.
 */

const FIVE_MINUTES = 300_000;

/** Receives one sample: uptime in %, p95 in ms. */
export type HealthVisitor = (timeMs: number, service: Service, uptime: number, p95: number) => void;

/** Relative load at a local hour: 0 at 04:00, 1 at 16:00. */
function load(hour: number): number {
  return 0.5 * (1 - Math.cos((2 * Math.PI * (hour - 4)) / 24));
}

/** Visits every 5-minute sample of `day`, service by service, each service in time order. */
export function forEachHealthSample(seed: string, day: CalendarDay, effects: IncidentEffects, visit: HealthVisitor): void {
  const weekend = day.weekday >= 6;
  const incidentDay = effects.touches(day.index);
  for (const service of SERVICES) {
    const rng = Rng.stream(seed, 'platform', service, day.index);
    let degradedSlots = 0;
    let degradedUptime = 100;
    for (let t = day.startMs; t < day.endMs; t += FIVE_MINUTES) {
      const hour = localHour(day, t);
      const l = load(hour) * (weekend ? 0.7 : 1);
      if (degradedSlots === 0 && rng.chance(0.0025)) {
        degradedSlots = rng.int(1, 4);
        degradedUptime = rng.uniform(85, 99.5);
      }
      let uptime = 100;
      let p95 = PROFILE.p95BaseMs[service] * (0.75 + 0.55 * l) * rng.lognormal(0.08);
      if (degradedSlots > 0) {
        uptime = degradedUptime;
        p95 *= rng.uniform(1.8, 3.5);
        degradedSlots--;
      }
      if (incidentDay && effects.serviceDown(service, t)) {
        uptime = rng.uniform(15, 55);
        p95 = PROFILE.p95BaseMs[service] * rng.uniform(8, 14);
      }
      visit(t, service, Math.round(uptime * 1000) / 1000, Math.round(p95 * 10) / 10);
    }
  }
}
