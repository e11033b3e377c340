import { ManualClock } from '../core/clock';
import { ingestLineProtocol } from './ingest-batch';
import { TEST_NOW, testCatalog } from './test-support/test-catalog';

const NOW_NS = BigInt(TEST_NOW) * 1_000_000n;
const options = { catalog: testCatalog, clock: new ManualClock(TEST_NOW) };

describe('columnar ingest points', () => {
  it('are the points the full parser gives, with each line’s exact timestamp and text read on demand', () => {
    const lines = [
      `revenue,region=na,product=platform value=1200.5 ${NOW_NS}`,
      `ebitda value=-3 ${NOW_NS - 1n}`,
      `revenue,region=na,product=platform value=7 ${NOW_NS - 1_000_000_123n}`,
    ];
    const body = `${lines.join('\n')}\n`;
    const columnar = ingestLineProtocol(Buffer.from(body), options);
    const full = ingestLineProtocol(body, options);
    expect(columnar.columns).toBeDefined();
    expect(full.columns).toBeUndefined();
    const fields = (points: typeof full.points) => points.map((p) => ({ kpi: p.kpi, tags: p.tags, value: p.value, time: p.time, ns: p.ns, line: p.line }));
    expect(fields(columnar.points)).toEqual(fields(full.points));
    expect(columnar.points.map((p) => p.line)).toEqual(lines);
    // Points of one series share its interned tags object (rule evaluation keys its routes by it).
    expect(columnar.points[0]!.tags).toBe(columnar.points[2]!.tags);
    expect(Object.isFrozen(columnar.points[0]!.tags)).toBe(true);
  });
});
