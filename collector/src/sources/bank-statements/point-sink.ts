import type { Point } from '../../core/point';

/**
 * Where a source that must know its points are stored before it records progress (bank statement
 * imports, CSV uploads) hands them: the collector passes `IngestPipeline.accept`, which resolves
 * once the points are durably in the spool.
 */
export interface PointSink {
  accept(points: readonly Point[]): Promise<void>;
}
