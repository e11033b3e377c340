import { AlertEngine } from '../../alerting/alert-engine';
import type { Actor, AlertTransition, Dispatch, DispatchSink } from '../../alerting/alert-model';
import { createAnomalyRuleKind } from '../../alerting/rules/kinds/anomaly-kind';
import { forecastRuleKind } from '../../alerting/rules/kinds/forecast-kind';
import { builtInRuleKinds } from '../../alerting/rules/rule-kind-registry';
import { dailyKpis } from '../../app/demo-mode';
import { durationMs } from '../../config/kpi-schema';
import type { MetricsConfig } from '../../config/metrics-config-schema';
import type { NotificationSettings } from '../../config/notification-settings-schema';
import { InMemorySilenceStore } from '../../consolidation/in-memory-silence-store';
import { ManualClock } from '../../core/clock';
import { ErrorCodes, FinmonError } from '../../core/errors';
import type { Point } from '../../core/point';
import { IncidentManager } from '../../escalation/incident-manager';
import { KpiEngine } from '../../kpi/kpi-engine';
import { DemoCompany, defaultIncidentSpecs, type Incident as DemoIncident, type IncidentSpec } from '../../sources/demo-company';
import { isNotification, pageOfDispatch, PAGING_REASONS, type Page } from './fatigue-score';
import { ReplayIncidentStateStore } from './replay-incident-state-store';

/**
 * The fatigue benchmark's replay: a year of the demo company through the whole alerting engine,
 * deterministically, on data time.
 *
 *   DemoCompany points, in time order, in chunks of `chunkMs` of data time
 *     → KpiEngine (rollups deferred and flushed after each chunk, full windows required: as the
 *       collector runs it)
 *     → AlertEngine (built-in rule kinds + anomaly + forecast) → IncidentManager (in-memory stores)
 *       → a recording DispatchSink
 *     → a second AlertEngine with the plain threshold setup, whose firings are counted as pages
 *
 * A ManualClock is set to data time: each chunk is handed to the KPI engine at its end, and its
 * points reach the alerting engines minute by minute (a point of [T − 1 min, T) is evaluated at
 * T), each minute followed by `engine.tick(T)` and `incidents.tick(T)`.
 *
 * As the demo does (app/demo-mode.ts), the simulation starts a year before the measured year and
 * that warm-up year feeds only the daily KPIs, so 365-day ratios and the rules' own history
 * (anomaly baselines, trend windows, variance periods, forecasts) exist when the measured year
 * starts. The warm-up year runs through the same engines (ticked every 15 minutes of data time)
 * with the rules of the KPIs it feeds (`warmupMetrics`: the others would only report that their
 * KPI is silent); at the anchor the engines are reconfigured to the whole configuration (the
 * warmed-up rules keep their state). Pages of the warm-up year are not counted; an incident still
 * open at the anchor simply continues.
 *
 * Acknowledgements ('each'): a person acknowledges an incident `ackDelayMs` after a page about it
 * (the incident's firing alerts in the engine, then the incident, as AlertingStage does); a
 * re-alert after the policy's ackTimeout is acknowledged the same way. 'none': nobody acknowledges.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

export type AckModel = 'none' | 'each';

export interface ReplayOptions {
  readonly metrics: MetricsConfig;
  readonly settings: NotificationSettings;
  /** The plain threshold setup run alongside (undefined: no baseline). */
  readonly baseline?: MetricsConfig;
  readonly seed: number;
  /** Start of the measured year (epoch ms); the warm-up year precedes it. */
  readonly anchor: number;
  readonly days: number;
  /** Days of daily KPIs before the anchor (default 365, as the demo). */
  readonly warmupDays?: number;
  /** Injected incidents (default the demo's: `defaultIncidentSpecs(anchor)`). */
  readonly incidents?: readonly IncidentSpec[];
  readonly chunkMs?: number;
  readonly tickMs?: number;
  readonly warmupTickMs?: number;
  readonly ack?: AckModel;
  readonly ackDelayMs?: number;
  /** Called after each measured day (progress). */
  readonly onDay?: (day: number, days: number) => void;
}

export interface ReplayResult {
  readonly incidents: DemoIncident[];
  /** Dispatches of the measured period, as pages. */
  readonly pages: Page[];
  /** Alert firings of the plain threshold setup in the measured period, as pages. */
  readonly baselinePages: Page[];
  /** Paging dispatches during the warm-up year (not counted; shown for diagnosis). */
  readonly warmupPages: Page[];
  readonly stats: {
    readonly rawPoints: number;
    readonly derivedPoints: number;
    readonly rollupPoints: number;
    readonly transitions: number;
    readonly baselineTransitions: number;
    readonly ticks: number;
    readonly acknowledgements: number;
    /** Wall-clock seconds spent on the warm-up year. */
    readonly warmupSeconds: number;
    readonly unsupportedRules: readonly string[];
  };
}

/**
 * The configuration the warm-up year runs with: the rules of KPIs with a cadence of a day or more
 * (the only ones the warm-up feeds, raw or derived); the other KPIs keep their definition without
 * rules.
 */
export function warmupMetrics(metrics: MetricsConfig): MetricsConfig {
  return {
    ...metrics,
    kpis: metrics.kpis.map((k) => (durationMs(k.cadence) >= DAY ? k : { ...k, rules: [] })),
  };
}

const BENCH_ACTOR: Actor = { kind: 'user', name: 'fatigue-bench' };

/** Keeps every dispatch as a page and notes when the paged incident is to be acknowledged. */
class RecordingDispatchSink implements DispatchSink {
  readonly pages: Page[] = [];
  private readonly keys = new Set<string>();
  readonly warmupPages: Page[] = [];
  countFrom = Number.POSITIVE_INFINITY;
  countUntil = Number.POSITIVE_INFINITY;

  constructor(private readonly onPage: (dispatch: Dispatch) => void) {}

  async submit(dispatch: Dispatch): Promise<void> {
    if (this.keys.has(dispatch.key)) return; // the outbox deduplicates by key
    this.keys.add(dispatch.key);
    if (PAGING_REASONS.has(dispatch.reason)) this.onPage(dispatch);
    if (dispatch.at < this.countFrom) {
      const page = pageOfDispatch(dispatch);
      if (isNotification(page)) this.warmupPages.push(page);
      return;
    }
    if (dispatch.at < this.countUntil) this.pages.push(pageOfDispatch(dispatch));
  }
}

/** Acknowledges incidents a while after they paged someone. */
class Acknowledger {
  private readonly due: { id: string; at: number }[] = [];
  private readonly scheduled = new Set<string>();
  count = 0;

  constructor(
    private readonly engine: AlertEngine,
    private readonly incidents: IncidentManager,
    private readonly delayMs: number,
  ) {}

  /** A page about `dispatch.incident`: acknowledge it `delayMs` later (once per outstanding page). */
  paged(dispatch: Dispatch): void {
    const id = dispatch.incident.id;
    if (this.scheduled.has(id)) return;
    this.scheduled.add(id);
    this.due.push({ id, at: dispatch.at + this.delayMs });
  }

  async run(now: number): Promise<void> {
    while (this.due.length > 0 && this.due[0]!.at <= now) {
      const { id } = this.due.shift()!;
      this.scheduled.delete(id);
      await this.acknowledge(id, now);
    }
  }

  private async acknowledge(id: string, now: number): Promise<void> {
    const details = await this.incidents.incident(id, now);
    if (details === undefined || details.incident.state === 'resolved') return;
    const transitions: AlertTransition[] = [];
    for (const alert of details.incident.alerts) {
      if (this.engine.getAlert(alert.fingerprint)?.state !== 'firing') continue;
      transitions.push(...this.engine.acknowledge(alert.fingerprint, BENCH_ACTOR, 'seen (fatigue bench)', now));
    }
    if (transitions.length > 0) await this.incidents.onTransitions(transitions, now);
    try {
      await this.incidents.acknowledgeIncident(id, BENCH_ACTOR, now, 'seen (fatigue bench)');
      this.count++;
    } catch (error) {
      // Resolved meanwhile (its last alert cleared with the transitions above): nothing to acknowledge.
      if (!(error instanceof FinmonError) || (error.code !== ErrorCodes.INCIDENT_STATE_CONFLICT && error.code !== ErrorCodes.NOT_FOUND)) throw error;
    }
  }
}

/** Pages of the plain threshold setup: every alert firing, a new one or a re-fire (scoring keeps critical and warning ones). */
export function baselinePagesOf(transitions: readonly AlertTransition[]): Page[] {
  const pages: Page[] = [];
  for (const t of transitions) {
    if (t.to !== 'firing' || t.from === 'firing' || t.from === 'acknowledged') continue;
    const a = t.alert;
    pages.push({ at: t.at, reason: 'firing', severity: a.severity, recipients: [], alerts: [{ kpi: a.kpi, series: a.series, ruleId: a.ruleId }], source: a.fingerprint });
  }
  return pages;
}

export async function replayDemoYear(options: ReplayOptions): Promise<ReplayResult> {
  const chunkMs = options.chunkMs ?? 15 * MINUTE;
  const tickMs = options.tickMs ?? MINUTE;
  const warmupTickMs = options.warmupTickMs ?? 15 * MINUTE;
  const warmupDays = options.warmupDays ?? 365;
  const ackDelayMs = options.ackDelayMs ?? 5 * MINUTE;
  if (chunkMs % tickMs !== 0 || chunkMs % warmupTickMs !== 0 || DAY % chunkMs !== 0) {
    throw new Error(`fatigue replay: chunk (${chunkMs} ms) must divide a day and be a multiple of the ticks (${tickMs}, ${warmupTickMs} ms)`);
  }
  const { metrics, settings, anchor } = options;
  const start = anchor - warmupDays * DAY;
  const end = anchor + options.days * DAY;
  const company = new DemoCompany({ seed: options.seed, start, incidents: options.incidents ?? defaultIncidentSpecs(anchor) });
  const clock = new ManualClock(start);
  const kpi = new KpiEngine({ config: metrics, clock, rollups: 'deferred', requireFullWindows: true });
  const registry = builtInRuleKinds().with(createAnomalyRuleKind()).with(forecastRuleKind);
  const engine = new AlertEngine({ metrics: warmupMetrics(metrics), now: start, registry });
  const plain = options.baseline === undefined ? undefined : new AlertEngine({ metrics: warmupMetrics(options.baseline), now: start });

  let acknowledger: Acknowledger | undefined;
  const sink = new RecordingDispatchSink((d) => acknowledger?.paged(d));
  sink.countFrom = anchor;
  sink.countUntil = end;
  const incidents = await IncidentManager.open(
    { settings, kpis: metrics.kpis, store: new ReplayIncidentStateStore(), silences: new InMemorySilenceStore(), sink },
    start,
  );
  if ((options.ack ?? 'each') === 'each') acknowledger = new Acknowledger(engine, incidents, ackDelayMs);

  const baselinePages: Page[] = [];
  const stats = { rawPoints: 0, derivedPoints: 0, rollupPoints: 0, transitions: 0, baselineTransitions: 0, ticks: 0 };

  const evaluate = async (points: readonly Point[], now: number): Promise<void> => {
    const transitions = points.length > 0 ? engine.onPoints(points, now) : [];
    transitions.push(...engine.tick(now));
    stats.transitions += transitions.length;
    if (transitions.length > 0) await incidents.onTransitions(transitions, now);
    await incidents.tick(now);
    if (acknowledger !== undefined) await acknowledger.run(now);
    if (plain !== undefined) {
      const base = points.length > 0 ? plain.onPoints(points, now) : [];
      base.push(...plain.tick(now));
      stats.baselineTransitions += base.length;
      if (now >= anchor && now < end) for (const p of baselinePagesOf(base)) baselinePages.push(p);
    }
    stats.ticks++;
  };

  const daily = dailyKpis(metrics);
  const began = performance.now();
  let warmupSeconds = 0;
  for (let dayStart = start; dayStart < end; dayStart += DAY) {
    const warmup = dayStart < anchor;
    if (dayStart === anchor) {
      warmupSeconds = (performance.now() - began) / 1000;
      // The whole configuration from now on: warmed-up rules keep their state, the others start.
      const transitions = engine.reconfigure(metrics, anchor);
      if (transitions.length > 0) await incidents.onTransitions(transitions, anchor);
      if (plain !== undefined && options.baseline !== undefined) plain.reconfigure(options.baseline, anchor);
    }
    const dayPoints = warmup ? company.generate(dayStart, dayStart + DAY, { kpis: daily }) : company.generate(dayStart, dayStart + DAY);
    const step = warmup ? warmupTickMs : tickMs;
    let next = 0; // index of the first point not yet in a chunk
    for (let c0 = dayStart; c0 < dayStart + DAY; c0 += chunkMs) {
      const c1 = c0 + chunkMs;
      const first = next;
      while (next < dayPoints.length && dayPoints[next]!.time < c1) next++;
      const raw = dayPoints.slice(first, next);
      clock.set(c1);
      const derived = raw.length > 0 ? kpi.ingest(raw).derived : [];
      const rollups = kpi.flushRollups();
      stats.rawPoints += raw.length;
      stats.derivedPoints += derived.length;
      stats.rollupPoints += rollups.length;
      const stream = derived.length === 0 ? raw : [...raw, ...derived].sort((a, b) => a.time - b.time);
      let i = 0;
      for (let t = c0 + step; t <= c1; t += step) {
        const from = i;
        while (i < stream.length && stream[i]!.time < t) i++;
        let batch = stream.slice(from, i);
        if (t === c1) {
          // Anything left (a derived value stamped at the chunk's end) and the chunk's rollups.
          if (i < stream.length) batch = batch.concat(stream.slice(i));
          if (rollups.length > 0) batch = batch.concat(rollups);
        }
        await evaluate(batch, t);
      }
    }
    // What the collector would persist (AlertStore): dropped here, once a day to bound memory.
    engine.drainChanges();
    plain?.drainChanges();
    if (!warmup) options.onDay?.(Math.round((dayStart + DAY - anchor) / DAY), options.days);
  }

  return {
    incidents: company.incidents().filter((i) => i.start >= anchor && i.start < end),
    pages: sink.pages,
    baselinePages,
    warmupPages: sink.warmupPages,
    stats: {
      ...stats,
      acknowledgements: acknowledger?.count ?? 0,
      warmupSeconds,
      unsupportedRules: engine.unsupportedRules().map((r) => `${r.kpi}/${r.ruleId} (${r.type})`),
    },
  };
}
