import { silentLogger } from '../core/logger';
import { pointAt, type Point } from '../core/point';
import { IngestPipeline, type DurableSpool, type KpiComputation } from './ingest-pipeline';
import { pointsOf, type PointColumns, type StoredPoints } from '../ingest/point-columns';

const serialize = (points: readonly Point[]) => points.map((p) => `${p.kpi} value=${p.value} ${p.ns}\n`).join('');

class RecordingSpool implements DurableSpool {
  readonly appended: string[] = [];
  /** Whether each append came as bytes (true) or text (false). */
  readonly asBytes: boolean[] = [];
  /** The line count given with each append. */
  readonly lineCounts: (number | undefined)[] = [];
  failNext = false;
  async append(lines: string | Buffer | readonly (string | Buffer)[], lineCount?: number): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    const pieces = typeof lines === 'string' || Buffer.isBuffer(lines) ? [lines] : lines;
    this.appended.push(pieces.map((p) => (typeof p === 'string' ? p : p.toString('utf8'))).join(''));
    this.asBytes.push(typeof pieces[0] !== 'string');
    this.lineCounts.push(lineCount);
  }
}

/** Doubles every revenue point into a derived KPI and emits one rollup per call. */
const doublingEngine = (warnings: string[] = []): KpiComputation => ({
  ingest: (points) => ({
    derived: pointsOf(points).filter((p) => p.kpi === 'revenue').map((p) => pointAt('double_revenue', {}, p.value * 2, p.time)),
    rollups: [pointAt('rollup_daily', { kpi: 'revenue', scope: 'total' }, 1, 0)],
    warnings,
  }),
});

describe('IngestPipeline', () => {
  it('appends the points and what the engine computed from them in one durable record', async () => {
    const spool = new RecordingSpool();
    const pipeline = new IngestPipeline({ spool, engine: doublingEngine(), serialize, logger: silentLogger() });
    await pipeline.accept([pointAt('revenue', {}, 10, 1000)]);
    expect(spool.appended).toEqual([
      'revenue value=10 1000000000\ndouble_revenue value=20 1000000000\nrollup_daily value=1 0\n',
    ]);
    expect(pipeline.stats()).toEqual({ acceptedPoints: 1, computedPoints: 2 });
  });

  it('stores a received canonical body as it is, followed by the computed points, in one record', async () => {
    const spool = new RecordingSpool();
    const pipeline = new IngestPipeline({ spool, engine: doublingEngine(), serialize, logger: silentLogger() });
    const points = [pointAt('revenue', {}, 10, 1000), pointAt('ebitda', {}, 5, 1000)];
    // Not what `serialize` writes, so the test tells which text was stored.
    const received = Buffer.from('revenue,src=erp value=10 1000000000\nebitda,src=erp value=5 1000000000\n');
    await pipeline.accept(points, received);
    await pipeline.accept(points, received.subarray(0, received.length - 1));
    const expected = 'revenue,src=erp value=10 1000000000\nebitda,src=erp value=5 1000000000\ndouble_revenue value=20 1000000000\nrollup_daily value=1 0\n';
    expect(spool.appended).toEqual([expected, expected]);
    expect(spool.asBytes).toEqual([true, true]);
    expect(spool.lineCounts).toEqual([4, 4]);
    expect(pipeline.stats()).toEqual({ acceptedPoints: 4, computedPoints: 4 });
  });

  it('stores a received body alone when nothing was computed, and serializes the points when no body is given', async () => {
    const spool = new RecordingSpool();
    const engine: KpiComputation = { ingest: () => ({ derived: [], rollups: [], warnings: [] }) };
    const pipeline = new IngestPipeline({ spool, engine, serialize, logger: silentLogger() });
    await pipeline.accept([pointAt('ebitda', {}, 5, 1000)], Buffer.from('ebitda,src=erp value=5 1000000000\n'));
    await pipeline.accept([pointAt('ebitda', {}, 5, 1000)]);
    expect(spool.appended).toEqual(['ebitda,src=erp value=5 1000000000\n', 'ebitda value=5 1000000000\n']);
    expect(spool.asBytes).toEqual([true, false]);
  });

  it('tells listeners about accepted and derived points only after they are durable', async () => {
    const spool = new RecordingSpool();
    const pipeline = new IngestPipeline({ spool, engine: doublingEngine(), serialize, logger: silentLogger() });
    const seen: string[] = [];
    pipeline.onPoints((points) => {
      expect(spool.appended).toHaveLength(1);
      seen.push(...points.map((p) => p.kpi));
    });
    await pipeline.accept([pointAt('revenue', {}, 10, 1000)]);
    expect(seen).toEqual(['revenue', 'double_revenue', 'rollup_daily']);
  });

  it('hands listeners points that came in columns together with the columns, followed by the computed points', async () => {
    const spool = new RecordingSpool();
    const pipeline = new IngestPipeline({ spool, engine: doublingEngine(), serialize, logger: silentLogger() });
    const accepted = [pointAt('revenue', {}, 10, 1000), pointAt('ebitda', {}, 5, 1000)];
    const columns: PointColumns = {
      length: 2,
      space: { identity: (id) => accepted[id]! },
      ids: Int32Array.from([0, 1]),
      times: Float64Array.from([1000, 1000]),
      values: Float64Array.from([10, 5]),
      toPoints: () => accepted,
    };
    const seen: StoredPoints[] = [];
    pipeline.onPoints((points) => seen.push(points));
    await pipeline.accept(columns);
    await pipeline.accept(accepted);
    expect(seen[0]!.columns).toBe(columns);
    expect(seen[0]!.map((p) => p.kpi)).toEqual(['revenue', 'ebitda', 'double_revenue', 'rollup_daily']);
    expect(seen[0]!.slice(0, 2)).toEqual(accepted);
    expect(seen[1]!.columns).toBeUndefined();
  });

  it('rejects when the spool cannot store, and tells no listener', async () => {
    const spool = new RecordingSpool();
    spool.failNext = true;
    const pipeline = new IngestPipeline({ spool, engine: doublingEngine(), serialize, logger: silentLogger() });
    const listener = jest.fn();
    pipeline.onPoints(listener);
    await expect(pipeline.accept([pointAt('revenue', {}, 10, 1000)])).rejects.toThrow('disk full');
    expect(listener).not.toHaveBeenCalled();
    expect(pipeline.stats().acceptedPoints).toBe(0);
  });

  it('keeps going when a listener throws', async () => {
    const spool = new RecordingSpool();
    const pipeline = new IngestPipeline({ spool, engine: doublingEngine(), serialize, logger: silentLogger() });
    const second = jest.fn();
    pipeline.onPoints(() => {
      throw new Error('boom');
    });
    pipeline.onPoints(second);
    await pipeline.accept([pointAt('revenue', {}, 1, 0)]);
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('logs a repeated engine warning once per quiet period', async () => {
    const lines: string[] = [];
    const logger = require('pino')({ level: 'warn' }, { write: (l: string) => lines.push(l) });
    let now = 0;
    const pipeline = new IngestPipeline({
      spool: new RecordingSpool(),
      engine: doublingEngine(['no fx_rate for EUR']),
      serialize,
      logger,
      warningQuietMs: 60_000,
      now: () => now,
    });
    await pipeline.accept([pointAt('revenue', {}, 1, 0)]);
    now = 30_000;
    await pipeline.accept([pointAt('revenue', {}, 1, 0)]);
    expect(lines).toHaveLength(1);
    now = 61_000;
    await pipeline.accept([pointAt('revenue', {}, 1, 0)]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('no fx_rate for EUR');
  });

  it('stores deferred rollups when flushed, and nothing when none are pending', async () => {
    const spool = new RecordingSpool();
    let pending = [pointAt('rollup_daily', { kpi: 'revenue', scope: 'total' }, 42, 0)];
    const engine: KpiComputation = {
      ingest: () => ({ derived: [], rollups: [], warnings: [] }),
      flushRollups: () => {
        const out = pending;
        pending = [];
        return out;
      },
    };
    const pipeline = new IngestPipeline({ spool, engine, serialize, logger: silentLogger() });
    expect(await pipeline.flushRollups()).toBe(1);
    expect(await pipeline.flushRollups()).toBe(0);
    expect(spool.appended).toEqual(['rollup_daily value=42 0\n']);
  });

  it('does nothing for an empty batch', async () => {
    const spool = new RecordingSpool();
    const pipeline = new IngestPipeline({ spool, engine: doublingEngine(), serialize, logger: silentLogger() });
    await pipeline.accept([]);
    expect(spool.appended).toHaveLength(0);
  });
});
