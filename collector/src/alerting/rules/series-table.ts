import { effectiveRule, type EffectiveRule, type RuleDefinition } from '../../config/rule-schema';
import type { Point } from '../../core/point';
import { VALUE_INPUT, type RuleInput } from './rule-kind';

/**
 * Per-series state of one rule: one entry per series the rule has seen, each with the rule as it
 * applies to that series (overrides merged in once, at creation), the kind's own small state, and
 * the engine's bookkeeping (last seen, no-data, fingerprint cache). Changed entries are tracked so
 * only they are written to the state database.
 */

/** One series of one rule. */
export interface SeriesEntry<S = unknown, R = EffectiveRule> {
  /** Sorted `,name=value` pairs of the series' tags ('' for a series without tags). */
  readonly key: string;
  readonly tags: Readonly<Record<string, string>>;
  /** The rule with the overrides matching these tags. */
  readonly rule: R;
  /** The kind's state. */
  state: S;
  /** When the engine last received a point of this series (arrival time, epoch ms). */
  lastSeenAt: number;
  /** When the rule's no-data policy applied, while the series stays silent. */
  silentSince: number | undefined;
  /** Cached fingerprint of the series' main alert (engine-managed). */
  fingerprint: string | undefined;
  /** Changed since the last save (table-managed; see `SeriesTable.touch`). */
  dirty: boolean;
  /**
   * Deleted from its table (table-managed): whoever kept the entry to skip the lookup (the engine's
   * series routes) must look the series up again, which creates a fresh entry as a lookup by key would.
   */
  detached: boolean;
}

/** How a kind creates, encodes and decodes its per-series state. */
export interface SeriesStateCodec<S, R = EffectiveRule> {
  /** The state of a series seen for the first time (or reset by a no-data policy). */
  initial(rule: R, tags: Readonly<Record<string, string>>): S;
  /** A JSON-serialisable form of the state. */
  encode(state: S): unknown;
  /** The state back from `encode`'s output; undefined when it does not fit (the series starts over). */
  decode(json: unknown, rule: R, tags: Readonly<Record<string, string>>): S | undefined;
}

/** A series entry as stored. */
export interface PersistedSeries {
  readonly tags: Readonly<Record<string, string>>;
  readonly lastSeenAt: number;
  readonly silentSince?: number;
  readonly state: unknown;
}

/** A changed series: its stored form, or undefined when it was removed. */
export interface SeriesStateChange {
  readonly series: string;
  readonly persisted: PersistedSeries | undefined;
}

/** Tags that identify a derived measurement's KPI and scope, not a series. */
const NON_SERIES_TAGS = new Set(['kpi', 'scope', 'model']);

let cachedPoint: Point | undefined;
let cachedInput: RuleInput | undefined;
let cachedKey = '';
/**
 * Series keys of value inputs by tag object: the ingest path hands every point of a series the
 * same (interned, frozen) tags object, so the key is built once per series, not once per point.
 */
const keysByTags = new WeakMap<object, string>();

/**
 * The series key of a point: its tags (without `kpi`/`scope`/`model` for measurement inputs),
 * sorted. The last result is cached, so the several rules of one KPI share one computation.
 */
export function pointSeriesKey(point: Point, input: RuleInput): string {
  if (point === cachedPoint && input === cachedInput) return cachedKey;
  const tags = point.tags;
  const frozen = input === VALUE_INPUT && Object.isFrozen(tags);
  if (frozen) {
    const known = keysByTags.get(tags);
    if (known !== undefined) {
      cachedPoint = point;
      cachedInput = input;
      cachedKey = known;
      return known;
    }
  }
  const names = Object.keys(tags);
  if (names.length > 1) names.sort();
  let key = '';
  const strip = input !== VALUE_INPUT;
  for (const name of names) {
    if (strip && NON_SERIES_TAGS.has(name)) continue;
    key += `,${name}=${tags[name]}`;
  }
  cachedPoint = point;
  cachedInput = input;
  cachedKey = key;
  if (frozen) keysByTags.set(tags, key);
  return key;
}

/** The series tags of a point (a copy without `kpi`/`scope`/`model` for measurement inputs). */
export function pointSeriesTags(point: Point, input: RuleInput): Readonly<Record<string, string>> {
  if (input === VALUE_INPUT) return point.tags;
  const tags: Record<string, string> = {};
  for (const [name, value] of Object.entries(point.tags)) if (!NON_SERIES_TAGS.has(name)) tags[name] = value;
  return tags;
}

/** The series key of a tag set (same format as `pointSeriesKey`). */
export function tagsSeriesKey(tags: Readonly<Record<string, string>>): string {
  let key = '';
  for (const name of Object.keys(tags).sort()) key += `,${name}=${tags[name]}`;
  return key;
}

export class SeriesTable<S, R = EffectiveRule> {
  private readonly map = new Map<string, SeriesEntry<S, R>>();
  /** Changed entries (flagged `dirty`) and keys of removed ones, since the last drain. */
  private changed: SeriesEntry<S, R>[] = [];
  private readonly removed = new Set<string>();
  /** The rule itself, shared by every series no override matches (most of them). */
  private readonly base: R;
  private readonly hasOverrides: boolean;

  constructor(
    private readonly rule: RuleDefinition,
    private readonly codec: SeriesStateCodec<S, R>,
  ) {
    this.base = effectiveRule(rule, {}) as unknown as R;
    this.hasOverrides = ((rule as { overrides?: unknown[] }).overrides ?? []).length > 0;
  }

  get size(): number {
    return this.map.size;
  }

  get(key: string): SeriesEntry<S, R> | undefined {
    return this.map.get(key);
  }

  /** The entry of `key`, created (effective rule, initial state, seen now) when missing. */
  obtain(key: string, tags: Readonly<Record<string, string>>, now: number): SeriesEntry<S, R> {
    let entry = this.map.get(key);
    if (entry === undefined) {
      const rule = this.hasOverrides ? (effectiveRule(this.rule, tags) as unknown as R) : this.base;
      entry = {
        key,
        tags,
        rule,
        state: this.codec.initial(rule, tags),
        lastSeenAt: now,
        silentSince: undefined,
        fingerprint: undefined,
        dirty: false,
        detached: false,
      };
      this.map.set(key, entry);
      this.removed.delete(key);
      this.touch(entry);
    }
    return entry;
  }

  /** The entry of the series a point belongs to. */
  forPoint(point: Point, input: RuleInput, now: number): SeriesEntry<S, R> {
    const key = pointSeriesKey(point, input);
    return this.map.get(key) ?? this.obtain(key, pointSeriesTags(point, input), now);
  }

  /** Marks an entry as changed (to be written with the next state save). O(1), no allocation once flagged. */
  touch(entry: SeriesEntry<S, R>): void {
    if (entry.dirty) return;
    entry.dirty = true;
    this.changed.push(entry);
  }

  /** Puts an entry back to its initial state (its alerts are the engine's business). */
  reset(entry: SeriesEntry<S, R>): void {
    entry.state = this.codec.initial(entry.rule, entry.tags);
    this.touch(entry);
  }

  delete(key: string): void {
    const entry = this.map.get(key);
    if (entry === undefined) return;
    this.map.delete(key);
    entry.dirty = false;
    entry.detached = true;
    this.removed.add(key);
  }

  entries(): IterableIterator<SeriesEntry<S, R>> {
    return this.map.values();
  }

  /** The entries changed since the last call, in their stored form (undefined = removed). */
  drainDirty(): SeriesStateChange[] {
    const out: SeriesStateChange[] = [];
    for (const entry of this.changed) {
      if (!entry.dirty) continue;
      entry.dirty = false;
      out.push({ series: entry.key, persisted: this.persist(entry) });
    }
    for (const key of this.removed) out.push({ series: key, persisted: undefined });
    this.changed = [];
    this.removed.clear();
    return out;
  }

  /** Every entry in its stored form. */
  persistAll(): SeriesStateChange[] {
    return [...this.map.values()].map((entry) => ({ series: entry.key, persisted: this.persist(entry) }));
  }

  /**
   * Restores one stored entry. A state the codec cannot decode starts over (initial state) but
   * keeps the series' last-seen time. Returns the entry.
   */
  restore(key: string, persisted: PersistedSeries): SeriesEntry<S, R> {
    const entry = this.obtain(key, { ...persisted.tags }, persisted.lastSeenAt);
    entry.lastSeenAt = persisted.lastSeenAt;
    entry.silentSince = persisted.silentSince;
    entry.state = this.codec.decode(persisted.state, entry.rule, entry.tags) ?? this.codec.initial(entry.rule, entry.tags);
    entry.dirty = false;
    return entry;
  }

  private persist(entry: SeriesEntry<S, R>): PersistedSeries {
    return {
      tags: entry.tags,
      lastSeenAt: entry.lastSeenAt,
      ...(entry.silentSince === undefined ? {} : { silentSince: entry.silentSince }),
      state: this.codec.encode(entry.state),
    };
  }
}

/** Narrowing helpers for codecs' `decode`. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function finiteOr<T>(value: unknown, fallback: T): number | T {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
