import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { parseMetricsConfig } from '../../config/config-loader';
import type { MetricsConfig } from '../../config/metrics-config-schema';
import { pointAt, type FieldValue, type Point } from '../../core/point';
import { AlertEngine, type AlertEngineOptions } from '../alert-engine';
import type { AlertTransition } from '../alert-model';

/** The repository's example configuration file. */
export const EXAMPLE_CONFIG_PATH = join(__dirname, '..', '..', '..', '..', 'metrics_config.json');

/** Monday 2025-03-03 09:00 in New York (the example company's time zone). */
export const T0 = Date.UTC(2025, 2, 3, 14, 0);
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** The example metrics_config.json as raw JSON (a fresh copy each call). */
export function exampleJson(): { kpis: { id: string; rules?: unknown[] }[] } & Record<string, unknown> {
  return JSON.parse(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8')) as ReturnType<typeof exampleJson>;
}

/** The example configuration, validated as the collector loads it. */
export function exampleMetrics(): MetricsConfig {
  return parseMetricsConfig(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8'), 'metrics_config.json');
}

/**
 * The example configuration with the rules of the named KPIs replaced and, unless `keepOthers`,
 * every other KPI's rules removed: tests watch only the rules they name, on realistic KPIs.
 */
export function metricsWithRules(rules: Record<string, unknown[]>, options: { keepOthers?: boolean } = {}): MetricsConfig {
  const json = exampleJson();
  for (const kpi of json.kpis) {
    const replacement = rules[kpi.id];
    if (replacement !== undefined) kpi.rules = replacement;
    else if (!options.keepOthers) kpi.rules = [];
  }
  return parseMetricsConfig(JSON.stringify(json), 'metrics_config.json');
}

/** A KPI point. */
export function pt(kpi: string, tags: Record<string, string>, value: number, time: number): Point {
  return pointAt(kpi, tags, value, time);
}

/** A rollup point as the KPI engine emits it. */
export function rollupPt(
  period: 'daily' | 'weekly' | 'monthly',
  kpi: string,
  value: number,
  periodStart: number,
  fields: Record<string, FieldValue> = {},
  scope: 'total' | 'series' = 'total',
  tags: Record<string, string> = {},
): Point {
  return pointAt(`rollup_${period}`, { ...tags, kpi, scope }, value, periodStart, fields);
}

/** Midnight in New York (the example company's time zone) of a date: period starts. */
export function nyMidnight(year: number, month: number, day: number): number {
  return DateTime.fromObject({ year, month, day }, { zone: 'America/New_York' }).toMillis();
}

/**
 * An engine with a recorded transition log: every call's transitions are appended to `log`.
 */
export class EngineHarness {
  readonly engine: AlertEngine;
  readonly log: AlertTransition[] = [];
  now: number;

  constructor(metrics: MetricsConfig, options: Partial<AlertEngineOptions> & { now?: number } = {}) {
    this.now = options.now ?? T0;
    this.engine = new AlertEngine({ ...options, metrics, now: this.now });
  }

  /** Hands points over at the current time (each point's time defaults to now). */
  push(...points: Point[]): AlertTransition[] {
    return this.record(this.engine.onPoints(points, this.now));
  }

  value(kpi: string, tags: Record<string, string>, value: number, time = this.now): AlertTransition[] {
    return this.push(pt(kpi, tags, value, time));
  }

  advance(ms: number): this {
    this.now += ms;
    return this;
  }

  tick(): AlertTransition[] {
    return this.record(this.engine.tick(this.now));
  }

  /** Advances in steps of `step`, ticking after each; returns the transitions. */
  run(ms: number, step = MINUTE): AlertTransition[] {
    const out: AlertTransition[] = [];
    const end = this.now + ms;
    while (this.now < end) {
      this.now = Math.min(end, this.now + step);
      out.push(...this.tick());
    }
    return out;
  }

  record(transitions: AlertTransition[]): AlertTransition[] {
    this.log.push(...transitions);
    return transitions;
  }
}

/** `from→to` of transitions, for compact assertions. */
export function moves(transitions: readonly AlertTransition[]): string[] {
  return transitions.map((t) => `${t.alert.ruleId}:${t.from ?? 'none'}→${t.to}`);
}
