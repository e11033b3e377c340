import { importedStatements } from '../../storage/state/migrations/0006-imported-statements';
import { createTestStateLocation, TEST_DIALECTS } from '../../storage/state/test-support/state-db-fixtures';
import { InMemoryImportedStatementStore, type ImportedStatementStore } from './imported-statement-store';
import { SqlImportedStatementStore } from './sql-imported-statement-store';
import { openStatementStateDb } from './test-support/statement-state-db';

const file = (hash: string, newEntries = 2) => ({
  contentHash: hash,
  fileName: `${hash}.sta`,
  format: 'mt940',
  source: 'bank-drop',
  importedAt: 1_764_000_000_000,
  statements: 1,
  balances: 2,
  entries: 2,
  newEntries,
});
const entry = (key: string, series = 's1', bookingDate = '2025-11-24', seq = 0) => ({ entryKey: key, series, bookingDate, seq, currency: 'EUR', amount: -12.5 });

function contract(name: string, make: () => Promise<{ store: ImportedStatementStore; done: () => Promise<void> }>) {
  describe(name, () => {
    let store: ImportedStatementStore;
    let done: () => Promise<void>;
    beforeEach(async () => ({ store, done } = await make()));
    afterEach(() => done());

    it('records a file with its entries and finds it by content hash', async () => {
      expect(await store.findFile('h1')).toBeUndefined();
      await store.recordImport(file('h1'), [entry('k1'), entry('k2', 's1', '2025-11-24', 1)]);
      expect(await store.findFile('h1')).toEqual(file('h1'));
      expect(await store.existingEntryKeys(['k0', 'k1', 'k2', 'k3'])).toEqual(new Set(['k1', 'k2']));
    });

    it('counts entries per series and booking day', async () => {
      await store.recordImport(file('h1'), [entry('a'), entry('b', 's1', '2025-11-24', 1), entry('c', 's2'), entry('d', 's1', '2025-11-25')]);
      const counts = await store.entryCounts([
        { series: 's1', bookingDate: '2025-11-24' },
        { series: 's2', bookingDate: '2025-11-24' },
        { series: 's1', bookingDate: '2025-11-25' },
        { series: 's3', bookingDate: '2025-11-24' },
        { series: 's1', bookingDate: '2025-11-24' },
      ]);
      expect([...counts.entries()].sort()).toEqual([
        ['s1\u001f2025-11-24', 2],
        ['s1\u001f2025-11-25', 1],
        ['s2\u001f2025-11-24', 1],
      ]);
    });

    it('adds nothing when a file or an entry is recorded again', async () => {
      await store.recordImport(file('h1'), [entry('k1')]);
      await store.recordImport(file('h1', 99), [entry('k1'), entry('k9')]);
      expect((await store.findFile('h1'))?.newEntries).toBe(2);
      expect(await store.existingEntryKeys(['k1', 'k9'])).toEqual(new Set(['k1', 'k9']));
      const counts = await store.entryCounts([{ series: 's1', bookingDate: '2025-11-24' }]);
      expect(counts.get('s1\u001f2025-11-24')).toBe(2);
    });

    it('handles more keys than one IN list holds', async () => {
      const many = Array.from({ length: 1_203 }, (_, i) => entry(`key-${i}`, 's1', '2025-11-24', i));
      await store.recordImport(file('big'), many);
      const asked = [...many.map((e) => e.entryKey), 'missing'];
      expect((await store.existingEntryKeys(asked)).size).toBe(1_203);
      expect((await store.entryCounts([{ series: 's1', bookingDate: '2025-11-24' }])).get('s1\u001f2025-11-24')).toBe(1_203);
    });
  });
}

contract('InMemoryImportedStatementStore', async () => ({ store: new InMemoryImportedStatementStore(), done: async () => undefined }));

for (const dialect of TEST_DIALECTS) {
  contract(`SqlImportedStatementStore on ${dialect}`, async () => {
    const location = createTestStateLocation(dialect);
    const state = await openStatementStateDb(location);
    return { store: new SqlImportedStatementStore(state.db), done: () => location.dispose() };
  });
}

describe('migration 0006', () => {
  it.each(TEST_DIALECTS)('goes up, down and up again on %s', async (dialect) => {
    const location = createTestStateLocation(dialect);
    try {
      const state = await openStatementStateDb(location);
      await importedStatements.down!(state.db);
      await importedStatements.up(state.db);
      await new SqlImportedStatementStore(state.db).recordImport(file('h'), [entry('k')]);
    } finally {
      await location.dispose();
    }
  });
});
