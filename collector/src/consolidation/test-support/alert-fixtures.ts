import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Alert, AlertState, AlertTransition } from '../../alerting/alert-model';
import type { KpiDefinition } from '../../config/kpi-schema';
import { parseMetricsConfig } from '../../config/config-loader';

/** 2025-03-03 (a Monday) 15:00 UTC = 10:00 in New York. */
export const T0 = Date.UTC(2025, 2, 3, 15, 0, 0);
export const SECOND = 1000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

const SEVERITY_PRIORITY = { critical: 85, warning: 50, info: 15 } as const;

/**
 * An alert as the lifecycle makes them, firing at `T0` unless told otherwise. Labels carry kpi,
 * severity, category, class and the series tags like the lifecycle's.
 */
export function alert(overrides: Partial<Alert> & { kpi?: string } = {}): Alert {
  const kpi = overrides.kpi ?? 'cash_position';
  const severity = overrides.severity ?? 'critical';
  const series = overrides.series ?? {};
  const ruleId = overrides.ruleId ?? `static-${severity}`;
  const category = overrides.category ?? 'financial';
  const alertClass = overrides.alertClass ?? (severity === 'info' ? 'information' : severity);
  const fingerprint = overrides.fingerprint ?? `${kpi}/${ruleId}/${Object.entries(series).map(([k, v]) => `${k}=${v}`).join(',')}`;
  const state = overrides.state ?? 'firing';
  const firingAt = overrides.firingAt ?? T0;
  return {
    fingerprint,
    kpi,
    ruleId,
    origin: overrides.origin ?? 'static',
    series,
    labels: { kpi, rule: ruleId, severity, category, class: alertClass, source: 'bank', team: 'treasury', ...series, ...overrides.labels },
    severity,
    category,
    alertClass,
    state,
    summary: overrides.summary ?? `${kpi} ${severity}${Object.keys(series).length ? ` ${Object.values(series).join('/')}` : ''}`,
    details: {},
    priority: overrides.priority ?? SEVERITY_PRIORITY[severity],
    startsAt: overrides.startsAt ?? firingAt,
    firingAt,
    updatedAt: overrides.updatedAt ?? firingAt,
    flapping: overrides.flapping ?? false,
    ruleFile: 'metrics_config.json',
    ...(overrides.acknowledgedAt === undefined ? {} : { acknowledgedAt: overrides.acknowledgedAt }),
    ...(overrides.acknowledgedBy === undefined ? {} : { acknowledgedBy: overrides.acknowledgedBy }),
    ...(overrides.resolvedAt === undefined ? {} : { resolvedAt: overrides.resolvedAt }),
    ...(overrides.value === undefined ? {} : { value: overrides.value }),
  };
}

/** The transition that moves `a` to `to` at `at` (the alert's times follow). */
export function move(a: Alert, to: AlertState, at: number): AlertTransition {
  const next: Alert = {
    ...a,
    state: to,
    updatedAt: at,
    ...(to === 'firing' ? { firingAt: a.state === 'firing' ? (a.firingAt ?? at) : at } : {}),
    ...(to === 'acknowledged' ? { acknowledgedAt: at, acknowledgedBy: 'dana' } : {}),
    ...(to === 'resolved' ? { resolvedAt: at } : {}),
  };
  return {
    fingerprint: a.fingerprint,
    from: a.state === to ? null : a.state,
    to,
    at,
    actor: { kind: 'system', name: 'engine' },
    reason: `test: ${to}`,
    alert: next,
  };
}

/** `move` for a new alert: it starts firing at `at`. */
export function fire(a: Alert, at: number = a.firingAt ?? T0): AlertTransition {
  const firing: Alert = { ...a, state: 'firing', firingAt: at, startsAt: at, updatedAt: at };
  return { fingerprint: a.fingerprint, from: 'pending', to: 'firing', at, actor: { kind: 'system', name: 'engine' }, reason: 'test: firing', alert: firing };
}

let catalog: KpiDefinition[] | undefined;

/** The KPI catalog of the example metrics_config.json (the demo company). */
export function exampleKpis(): KpiDefinition[] {
  if (catalog === undefined) {
    const path = join(__dirname, '../../../../metrics_config.json');
    catalog = parseMetricsConfig(readFileSync(path, 'utf8'), path).kpis as KpiDefinition[];
  }
  return catalog;
}
