import { deliverySummary, sourceRows } from './health-view';

describe('sourceRows', () => {
  it('puts failing sources first, then by name, with missing counters as 0', () => {
    const rows = sourceRows([
      { name: 'market', lastSuccessAt: 5, lastError: null, errorStreak: 0, runs: 3, failures: 0 },
      { name: 'bank', lastSuccessAt: null, lastError: 'timeout', errorStreak: 2 },
      { nameless: true },
      'junk',
    ]);
    expect(rows).toEqual([
      { name: 'bank', lastSuccessAt: null, lastError: 'timeout', errorStreak: 2, runs: 0, failures: 0, failing: true },
      { name: 'market', lastSuccessAt: 5, lastError: null, errorStreak: 0, runs: 3, failures: 0, failing: false },
    ]);
  });

  it('gives no rows for anything but a list', () => {
    expect(sourceRows(undefined)).toEqual([]);
    expect(sourceRows({ name: 'x' })).toEqual([]);
  });
});

describe('deliverySummary', () => {
  it('flattens nested figures and counts lists', () => {
    expect(
      deliverySummary({ failed: 2, channels: { email: { failed: 1, open: true } }, dead: [1, 2, 3], note: 'ok' })
    ).toEqual([
      ['failed', '2'],
      ['channels.email.failed', '1'],
      ['channels.email.open', 'true'],
      ['dead', '3 entries'],
      ['note', 'ok'],
    ]);
    expect(deliverySummary(undefined)).toEqual([]);
    expect(deliverySummary(null)).toEqual([]);
  });
});
