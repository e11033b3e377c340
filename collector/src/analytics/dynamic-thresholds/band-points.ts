import { pointAt, type Point } from '../../core/point';
import type { LearnedBand } from './learned-band';

/** The measurement the dashboards read learned bands from (tags kpi + the series' dimensions). */
export const BAND_MEASUREMENT = 'kpi_band';

/** A `kpi_band` point: value and field `expected`, fields lo99, hi99, lo999, hi999; tags kpi + series tags. */
export function bandPoint(kpi: string, seriesTags: Readonly<Record<string, string>>, time: number, band: LearnedBand): Point {
  return pointAt(BAND_MEASUREMENT, { ...seriesTags, kpi }, band.expected, time, {
    expected: band.expected,
    lo99: band.lo99,
    hi99: band.hi99,
    lo999: band.lo999,
    hi999: band.hi999,
  });
}

/** Where anomaly evaluators put the band of each evaluated point. */
export interface BandSink {
  add(kpi: string, seriesKey: string, seriesTags: Readonly<Record<string, string>>, time: number, band: LearnedBand): void;
}

export interface BandPointBufferOptions {
  /** At most one band point per series within this interval (default 0: every evaluated point). */
  readonly minIntervalMs?: number;
  /** Points held before the oldest are dropped (counted in `dropped`); default 100,000. */
  readonly capacity?: number;
}

/**
 * Collects `kpi_band` points between two drains: the composition root calls `bandPoints()` every
 * few seconds and writes them to InfluxDB. Two rules of one KPI with the same seasonality (e.g. a
 * 99% warning and a 99.9% critical rule) produce the same band: points of one series and time are
 * kept once. Throttled per series with `minIntervalMs`. Bounded: beyond `capacity` the oldest
 * points are dropped (dashboards lose a few band samples, never alerts).
 */
export class BandPointBuffer implements BandSink {
  private pending = new Map<string, Point>();
  private readonly lastAt = new Map<string, number>();
  private readonly minIntervalMs: number;
  private readonly capacity: number;
  dropped = 0;

  constructor(options: BandPointBufferOptions = {}) {
    this.minIntervalMs = options.minIntervalMs ?? 0;
    this.capacity = options.capacity ?? 100_000;
  }

  add(kpi: string, seriesKey: string, seriesTags: Readonly<Record<string, string>>, time: number, band: LearnedBand): void {
    const series = `${kpi}\u0000${seriesKey}`;
    const last = this.lastAt.get(series);
    if (last !== undefined && time !== last && time - last < this.minIntervalMs && time > last) return;
    if (last === undefined || time >= last) this.lastAt.set(series, time);
    const key = `${series}\u0000${time}`;
    if (!this.pending.has(key) && this.pending.size >= this.capacity) {
      const oldest = this.pending.keys().next();
      if (!oldest.done) this.pending.delete(oldest.value);
      this.dropped++;
    }
    this.pending.set(key, bandPoint(kpi, seriesTags, time, band));
  }

  /** The points collected since the last call, in arrival order. */
  bandPoints(): Point[] {
    const out = [...this.pending.values()];
    this.pending = new Map();
    return out;
  }

  get size(): number {
    return this.pending.size;
  }
}
