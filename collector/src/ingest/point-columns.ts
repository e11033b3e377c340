import type { Point } from '../core/point';

/**
 * Accepted points in columns instead of one `Point` object each: what the ingest hot path hands to
 * the KPI engine and the pipeline. Each point names its series by a dense id in a `SeriesSpace`, so
 * the engine can keep its per-series state in an array indexed by that id. `toPoints()` builds the
 * equivalent `Point` objects (for listeners and tests) on demand.
 */
export interface PointColumns {
  /** Number of points; the column arrays may be longer. */
  readonly length: number;
  /** What the ids mean. Ids of different spaces are unrelated. */
  readonly space: SeriesSpace;
  /** Series id of each point (index into `space`). */
  readonly ids: Int32Array;
  /** Epoch ms of each point (integer, as `Point.time`). */
  readonly times: Float64Array;
  /** Value of each point (finite, as `Point.value`). */
  readonly values: Float64Array;
  /** The same points as `Point` objects, in order (built once, then cached). */
  toPoints(): Point[];
}

/** The KPI and tags a series id stands for. */
export interface SeriesIdentity {
  readonly kpi: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** A set of series with dense ids 0, 1, 2, …; an id keeps its meaning for the life of the space. */
export interface SeriesSpace {
  identity(id: number): SeriesIdentity;
}

/** Points given either way: as `Point` objects or in columns. */
export type PointsInput = readonly Point[] | PointColumns;

/** True for columns, false for an array of `Point`s. */
export function isPointColumns(points: PointsInput): points is PointColumns {
  return !Array.isArray(points);
}

/** The points as `Point` objects (columns are materialised, arrays returned as they are). */
export function pointsOf(points: PointsInput): readonly Point[] {
  return isPointColumns(points) ? points.toPoints() : points;
}

/**
 * Points as the ingest pipeline hands them to its listeners: `Point` objects and, when they came in
 * columns, those columns (`columns`: the first `columns.length` of the points, in order), so a
 * listener that reads every point (rule evaluation) can read the columns instead of the objects.
 */
export type StoredPoints = readonly Point[] & { readonly columns?: PointColumns };

/** `points` (whose first `columns.length` are the columns' points) with the columns attached. */
export function withColumns(points: Point[], columns: PointColumns): StoredPoints {
  return Object.assign(points, { columns });
}
