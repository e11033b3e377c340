import type { Alert, Matcher, SilenceRequest } from '../collector/collector-types';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Milliseconds of a duration such as "30m", "1h", "4h", "1d", "2w". Throws a message naming the
 * text when it is not a positive whole number followed by m, h, d or w.
 */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+)\s*([mhdw])\s*$/.exec(text);
  if (!match || Number(match[1]) <= 0) {
    throw new Error(`silence duration "${text}" is not a duration like 30m, 1h, 4h, 1d or 2w`);
  }
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** Label names that identify what an alert is about (the rest, like severity, would over-match or under-match). */
const IDENTITY_LABELS = ['kpi', 'rule'];

/**
 * Equality matchers that pick out one alert: its KPI and rule, plus its series' tags (so that
 * silencing "cash low on ops-usd" leaves the other accounts alone).
 */
export function matchersForAlert(alert: Alert): Matcher[] {
  const labels: Record<string, string> = {
    kpi: alert.kpi,
    rule: alert.ruleId,
    ...pick(alert.labels, IDENTITY_LABELS),
    ...alert.series,
  };
  return Object.keys(labels)
    .sort()
    .map((name) => ({ name, value: labels[name]!, op: '=' as const }));
}

/**
 * Matchers for the labels every one of the alerts shares with the same value (Alertmanager's
 * "common labels"), limited to identity labels and series tags. Empty when the alerts share none.
 */
export function commonMatchers(alerts: readonly Alert[]): Matcher[] {
  if (alerts.length === 0) {
    return [];
  }
  const sets = alerts.map((a) => new Map(matchersForAlert(a).map((m) => [m.name, m.value])));
  const [first, ...rest] = sets;
  return [...first!.entries()]
    .filter(([name, value]) => rest.every((set) => set.get(name) === value))
    .map(([name, value]) => ({ name, value, op: '=' as const }));
}

function pick(labels: Readonly<Record<string, string>> | undefined, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = labels?.[name];
    if (value !== undefined) {
      out[name] = value;
    }
  }
  return out;
}

/**
 * The collector's form of a duration ("30m", "4h", "2d": minutes, hours or days); weeks become
 * days. Throws like `parseDuration` for anything else.
 */
export function collectorDuration(text: string): string {
  parseDuration(text);
  const match = /^\s*(\d+)\s*([mhdw])\s*$/.exec(text)!;
  const amount = Number(match[1]);
  return match[2] === 'w' ? `${amount * 7}d` : `${amount}${match[2]}`;
}

/**
 * A silence request for `duration` from the collector's own now (its clock may differ from the
 * browser's, e.g. the demo's accelerated one). Throws when there is nothing to match on or the
 * duration is not one.
 */
export function silenceRequest(matchers: Matcher[], duration: string, user: string, comment: string): SilenceRequest {
  if (matchers.length === 0) {
    throw new Error('a silence needs at least one matcher; these alerts share no label');
  }
  return { matchers, duration: collectorDuration(duration), comment, user };
}
