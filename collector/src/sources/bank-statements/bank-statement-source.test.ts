import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import type { Point } from '../../core/point';
import type { KpiLookup } from '../../ingest/validate-point';
import { createTestStateLocation, type TestStateLocation } from '../../storage/state/test-support/state-db-fixtures';
import { BankStatementSource, type BankStatementSourceOptions } from './bank-statement-source';
import { InMemoryImportedStatementStore, type ImportedStatementStore } from './imported-statement-store';
import { SqlImportedStatementStore } from './sql-imported-statement-store';
import { openStatementStateDb } from './test-support/statement-state-db';

const FIXTURES = join(__dirname, 'fixtures');
const NOW = Date.UTC(2026, 0, 5, 9, 0);

const catalog: KpiLookup = (id) =>
  id === 'bank_balance' || id === 'bank_cash_flow' ? { dimensions: ['account', 'bank', 'currency'] } : undefined;

describe('BankStatementSource', () => {
  let dir: string;
  let location: TestStateLocation;
  let store: ImportedStatementStore;
  let accepted: Point[][];
  let failSink: Error | undefined;
  let fileClock: ManualClock;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'finmon-drop-'));
    location = createTestStateLocation('sqlite');
    store = new SqlImportedStatementStore((await openStatementStateDb(location)).db);
    accepted = [];
    failSink = undefined;
    fileClock = new ManualClock(Date.now() + 60_000);
  });
  afterEach(async () => {
    await location.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const source = (overrides: Partial<BankStatementSourceOptions> = {}) =>
    new BankStatementSource({
      name: 'bank-drop',
      dropDir: join(dir, 'drop'),
      archiveDir: join(dir, 'drop', 'imported'),
      quarantineDir: join(dir, 'drop', 'quarantine'),
      settleMs: 5_000,
      points: {
        balanceKpi: { id: 'bank_balance', dimensions: ['account', 'bank', 'currency'] },
        balanceKinds: ['closing_booked', 'interim_booked'],
        cashFlowKpi: { id: 'bank_cash_flow', dimensions: ['account', 'bank', 'currency'] },
        accounts: [{ id: 'DE89 3704 0044 0532 0130 00', account: 'ops-eur', bank: 'deutsche-bank' }],
        defaultBank: 'unknown-bank',
        timezone: 'America/New_York',
      },
      store,
      sink: {
        accept: async (points) => {
          if (failSink) throw failSink;
          accepted.push([...points]);
        },
      },
      catalog,
      fileClock,
      ...overrides,
    });
  const ctx = () => ({ now: NOW, signal: new AbortController().signal, logger: silentLogger() });
  const drop = (fixture: string, as = fixture.split('/').pop()!) => {
    const target = join(dir, 'drop', as);
    copyFileSync(join(FIXTURES, fixture), target);
    return target;
  };
  const ls = (sub: string) => (existsSync(join(dir, 'drop', sub)) ? readdirSync(join(dir, 'drop', sub)).sort() : []);

  it('imports every format of the drop folder: balances and entries become points, files move to the archive', async () => {
    const s = source();
    await s.importReadyFiles(ctx()); // creates the folders
    for (const name of ['bai2-previous-day.bai', 'mt940-deutsche-bank.sta', 'camt053-v02.xml']) drop(`good/${name}`);
    const summary = await s.importReadyFiles(ctx());
    expect(summary).toMatchObject({ imported: ['bai2-previous-day.bai', 'camt053-v02.xml', 'mt940-deutsche-bank.sta'], quarantined: [], alreadyImported: [] });
    expect(ls('')).toEqual(['imported', 'quarantine']);
    expect(ls('imported')).toEqual(['bai2-previous-day.bai', 'camt053-v02.xml', 'mt940-deutsche-bank.sta']);

    const all = accepted.flat();
    const balances = all.filter((p) => p.kpi === 'bank_balance');
    // BAI2 015 closing + 030 current ledger, camt CLBD, MT940 62F twice.
    expect(balances.map((p) => [p.tags.account, p.tags.bank, p.tags.currency, p.value, new Date(p.time).toISOString()])).toEqual([
      ['4128001234', '121000248', 'USD', 7980012.33, '2025-11-25T04:59:59.000Z'],
      ['4128009999', '121000248', 'USD', -15000, '2025-11-25T04:59:59.000Z'],
      // The EUR account of the BAI2 file is mapped by its IBAN, as the MT940 one.
      ['ops-eur', 'deutsche-bank', 'EUR', 1234567.89, '2025-11-25T04:59:59.000Z'],
      ['ops-eur', 'deutsche-bank', 'EUR', 1230000, '2025-11-25T04:59:59.000Z'],
      ['GB33BUKB20201555555555', 'BARCGB22', 'GBP', 537845.1, '2025-11-25T04:59:59.000Z'],
      ['ops-eur', 'deutsche-bank', 'EUR', 1247378.44, '2025-11-25T04:59:59.000Z'],
      ['ops-eur', 'deutsche-bank', 'EUR', 99000, '2026-01-01T04:59:59.000Z'],
    ]);
    const flows = all.filter((p) => p.kpi === 'bank_cash_flow');
    expect(flows).toHaveLength(8 + 2 + 4);
    // Entries of one series and day get distinct times: noon New York + their number in ms.
    const opsEur = flows.filter((p) => p.tags.account === 'ops-eur' && p.tags.currency === 'EUR');
    expect(opsEur.map((p) => [p.value, new Date(p.time).toISOString()])).toEqual([
      [5000, '2025-11-24T17:00:00.000Z'],
      [-800, '2025-11-24T17:00:00.001Z'],
      [15000, '2025-11-24T17:00:00.002Z'],
      [-2500, '2025-11-24T17:00:00.003Z'],
      [310.55, '2025-11-24T17:00:00.004Z'],
      [-1000, '2026-01-02T17:00:00.000Z'],
    ]);
    const times = new Set(flows.map((p) => `${p.tags.account}|${p.tags.currency}|${p.time}`));
    expect(times.size).toBe(flows.length);
  });

  it('adds nothing when a file is dropped again, nor for entries reported again in another file', async () => {
    const s = source();
    await s.importReadyFiles(ctx());
    drop('good/mt942-intraday.sta');
    await s.importReadyFiles(ctx());
    const first = accepted.flat().filter((p) => p.kpi === 'bank_cash_flow');
    expect(first.map((p) => p.value)).toEqual([8200, -1199.99, -300.01]);

    accepted = [];
    drop('good/mt942-intraday.sta', 'mt942-intraday-resent.sta');
    const again = await s.importReadyFiles(ctx());
    expect(again).toMatchObject({ imported: [], alreadyImported: ['mt942-intraday-resent.sta'], points: 0 });
    expect(accepted).toEqual([]);
    expect(ls('imported')).toEqual(['mt942-intraday-resent.sta', 'mt942-intraday.sta']);

    // The camt.052 report of the same morning repeats the 8,200 EUR credit (same bank reference).
    drop('good/camt052-intraday.xml');
    const report = await s.importReadyFiles(ctx());
    expect(report).toMatchObject({ imported: ['camt052-intraday.xml'], newEntries: 1, duplicateEntries: 1 });
    const flows = accepted.flat().filter((p) => p.kpi === 'bank_cash_flow');
    // Numbered after the three entries already stored for ops-eur on 25 Nov.
    expect(flows.map((p) => [p.value, new Date(p.time).toISOString()])).toEqual([[-1500, '2025-11-25T17:00:00.003Z']]);
  });

  it('quarantines a malformed file with a reason file and goes on with the others', async () => {
    const s = source();
    await s.importReadyFiles(ctx());
    drop('bad/camt053-comma-amount.xml', 'a-broken.xml');
    drop('good/bai2-intraday.bai', 'b-good.bai');
    drop('bad/bai2-unknown-funds-type.bai', 'c-broken.bai');
    const summary = await s.importReadyFiles(ctx());
    expect(summary).toMatchObject({ imported: ['b-good.bai'], quarantined: ['a-broken.xml', 'c-broken.bai'] });
    expect(ls('quarantine')).toEqual(['a-broken.xml', 'a-broken.xml.reason.txt', 'c-broken.bai', 'c-broken.bai.reason.txt']);
    const reason = readFileSync(join(dir, 'drop', 'quarantine', 'a-broken.xml.reason.txt'), 'utf8');
    expect(reason).toContain('file: a-broken.xml');
    expect(reason).toContain('format: camt.053');
    expect(reason).toContain('where: line 112, element Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/Amt');
    expect(reason).toContain('problem: amount "2500,00" is not a decimal number such as 1234.56');
    expect(readFileSync(join(dir, 'drop', 'quarantine', 'c-broken.bai.reason.txt'), 'utf8')).toContain('where: line 7');
    expect(accepted.flat().length).toBeGreaterThan(0);
    // Nothing of a quarantined file was recorded: fixed and dropped again, it imports.
    expect(ls('')).toEqual(['imported', 'quarantine']);
  });

  it('quarantines a file whose points the catalog refuses, naming the entry', async () => {
    const s = source();
    await s.importReadyFiles(ctx());
    const old = readFileSync(join(FIXTURES, 'good/mt940-plain.sta'), 'utf8').replace(/2511(2[14])/g, '9911$1');
    writeFileSync(join(dir, 'drop', 'old.sta'), old);
    fileClock.set(Date.now() + 60_000);
    const summary = await s.importReadyFiles(ctx());
    expect(summary.quarantined).toEqual(['old.sta']);
    const reason = readFileSync(join(dir, 'drop', 'quarantine', 'old.sta.reason.txt'), 'utf8');
    expect(reason).toMatch(/where: line \d+\nproblem: cannot be stored: KPI "bank_balance": timestamp 1999-11-2\dT.* is absurd: before 2000-01-01/);
  });

  it('keeps the file and records nothing when the sink fails; the next run imports it', async () => {
    const s = source();
    await s.importReadyFiles(ctx());
    drop('good/mt940-plain.sta');
    failSink = new Error('spool full');
    await expect(s.run(ctx())).rejects.toThrow(/storing the \d+ points of mt940-plain.sta failed; the file stays in the drop folder: spool full/);
    expect(ls('')).toEqual(['imported', 'mt940-plain.sta', 'quarantine']);
    failSink = undefined;
    const summary = await s.importReadyFiles(ctx());
    expect(summary).toMatchObject({ imported: ['mt940-plain.sta'], newEntries: 3 });
  });

  it('fails the run and keeps the file when the store cannot be read', async () => {
    const broken: ImportedStatementStore = {
      findFile: async () => undefined,
      existingEntryKeys: async () => {
        throw new Error('database is locked');
      },
      entryCounts: async () => new Map(),
      recordImport: async () => undefined,
    };
    const s = source({ store: broken });
    await s.importReadyFiles(ctx());
    drop('good/mt940-plain.sta');
    await expect(s.run(ctx())).rejects.toThrow('database is locked');
    expect(ls('')).toEqual(['imported', 'mt940-plain.sta', 'quarantine']);
    expect(accepted).toEqual([]);
  });

  it('leaves files still being written, hidden files and transfer leftovers alone', async () => {
    const s = source();
    await s.importReadyFiles(ctx());
    const fresh = drop('good/mt940-plain.sta');
    drop('good/bai2-intraday.bai', '.hidden.bai');
    drop('good/bai2-intraday.bai', 'upload.bai.part');
    const now = Date.now();
    utimesSync(fresh, new Date(now), new Date(now));
    fileClock.set(now + 1_000);
    expect((await s.importReadyFiles(ctx())).imported).toEqual([]);
    fileClock.set(now + 6_000);
    expect((await s.importReadyFiles(ctx())).imported).toEqual(['mt940-plain.sta']);
    expect(ls('')).toEqual(['.hidden.bai', 'imported', 'quarantine', 'upload.bai.part']);
  });

  it('stops between files when its run is aborted', async () => {
    const s = source({ store: new InMemoryImportedStatementStore() });
    await s.importReadyFiles(ctx());
    drop('good/mt940-plain.sta');
    const controller = new AbortController();
    controller.abort(new Error('timed out'));
    await expect(s.run({ now: NOW, signal: controller.signal, logger: silentLogger() })).rejects.toThrow('timed out');
    expect(accepted).toEqual([]);
  });
});
