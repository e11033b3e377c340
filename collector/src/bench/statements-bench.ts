/**
 * Bank statement parsing benchmark.
 * Usage: node collector/dist/bench/statements-bench.js [--accounts 500] [--days 365] [--tx 4] [--keep]
 * Generates, in a temporary folder, one camt.053 file and one MT940 file per account and month
 * covering `days` days (business days carry `tx` entries per account, credits and debits, with
 * reconciling opening and closing balances), then reads and parses every file as the drop folder
 * does (bytes → text → format detection → parser), timing only that. Prints as last line:
 * `statements files=N tx_s=X balances_s=Y` (entries and balances parsed per second).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeStatementBytes, parseStatementFile } from '../sources/bank-statements/parse-statement-file';
import { balancePoints, keyEntries, type StatementPointOptions } from '../sources/bank-statements/statement-points';
import { seededRandom } from '../analytics/forecast/seeded-random';

interface BenchOptions {
  readonly accounts: number;
  readonly days: number;
  readonly tx: number;
  readonly keep: boolean;
}

function options(argv: string[]): BenchOptions {
  const number = (flag: string, fallback: number): number => {
    const i = argv.indexOf(flag);
    const value = i >= 0 ? Number(argv[i + 1]) : fallback;
    if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} must be a positive integer`);
    return value;
  };
  return { accounts: number('--accounts', 500), days: number('--days', 365), tx: number('--tx', 4), keep: argv.includes('--keep') };
}

/** A deterministic generator, so every run parses the same files. */
const random = seededRandom;

const START = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;

interface Booking {
  readonly date: string;
  readonly cents: number;
  readonly ref: string;
}

interface StatementDay {
  readonly date: string;
  readonly opening: number;
  readonly closing: number;
  readonly bookings: Booking[];
}

/** The statement days of one account for the whole period, grouped by month (YYYY-MM). */
function accountMonths(account: number, o: BenchOptions): Map<string, StatementDay[]> {
  const rnd = random(account + 1);
  let balance = Math.round(rnd() * 5e8);
  const months = new Map<string, StatementDay[]>();
  for (let d = 0; d < o.days; d++) {
    const time = START + d * DAY;
    const weekday = new Date(time).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const date = new Date(time).toISOString().slice(0, 10);
    const opening = balance;
    const bookings: Booking[] = [];
    for (let t = 0; t < o.tx; t++) {
      const credit = rnd() < 0.5;
      const cents = Math.max(1, Math.round(rnd() * 2_000_000));
      balance += credit ? cents : -cents;
      bookings.push({ date, cents: credit ? cents : -cents, ref: `B${account}D${d}T${t}` });
    }
    const month = date.slice(0, 7);
    const list = months.get(month) ?? [];
    list.push({ date, opening, closing: balance, bookings });
    months.set(month, list);
  }
  return months;
}

const amount = (cents: number) => (Math.abs(cents) / 100).toFixed(2);
const cdt = (cents: number) => (cents < 0 ? 'DBIT' : 'CRDT');

function camt053(iban: string, days: StatementDay[]): string {
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-01-01T06:00:00+01:00</CreDtTm></GrpHdr>\n'];
  for (const day of days) {
    parts.push(
      `<Stmt><Id>${iban}-${day.date}</Id><CreDtTm>${day.date}T23:00:00+01:00</CreDtTm><Acct><Id><IBAN>${iban}</IBAN></Id><Ccy>EUR</Ccy><Svcr><FinInstnId><BICFI>BENCHDEFFXXX</BICFI></FinInstnId></Svcr></Acct>\n`,
      `<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${amount(day.opening)}</Amt><CdtDbtInd>${cdt(day.opening)}</CdtDbtInd><Dt><Dt>${day.date}</Dt></Dt></Bal>\n`,
      `<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${amount(day.closing)}</Amt><CdtDbtInd>${cdt(day.closing)}</CdtDbtInd><Dt><Dt>${day.date}</Dt></Dt></Bal>\n`,
    );
    for (const b of day.bookings) {
      parts.push(
        `<Ntry><Amt Ccy="EUR">${amount(b.cents)}</Amt><CdtDbtInd>${cdt(b.cents)}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>${b.date}</Dt></BookgDt><ValDt><Dt>${b.date}</Dt></ValDt><AcctSvcrRef>${b.ref}</AcctSvcrRef>`,
        `<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>E2E-${b.ref}</EndToEndId></Refs><RmtInf><Ustrd>Invoice ${b.ref}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n`,
      );
    }
    parts.push('</Stmt>\n');
  }
  parts.push('</BkToCstmrStmt></Document>\n');
  return parts.join('');
}

function mt940(account: string, days: StatementDay[]): string {
  const yymmdd = (date: string) => date.slice(2).replaceAll('-', '');
  const balance = (cents: number) => `${cents < 0 ? 'D' : 'C'}`;
  const mt = (cents: number) => amount(cents).replace('.', ',');
  const parts: string[] = [];
  days.forEach((day, i) => {
    parts.push(
      `{1:F01BENCHUS33AXXX0000000000}{2:O9402300${yymmdd(day.date)}BENCHDEFFAXXX00000000000${yymmdd(day.date)}2300N}{4:\r\n`,
      `:20:ST${yymmdd(day.date)}${i}\r\n:25:BENCHDEFF/${account}\r\n:28C:${i + 1}/1\r\n`,
      `:60F:${balance(day.opening)}${yymmdd(day.date)}EUR${mt(day.opening)}\r\n`,
    );
    for (const b of day.bookings) {
      parts.push(`:61:${yymmdd(b.date)}${yymmdd(b.date).slice(2)}${b.cents < 0 ? 'D' : 'C'}${mt(b.cents)}NTRFE2E-${b.ref.slice(0, 10)}//${b.ref.slice(0, 16)}\r\n:86:166?00SEPA?20Invoice ${b.ref}\r\n`);
    }
    parts.push(`:62F:${balance(day.closing)}${yymmdd(day.date)}EUR${mt(day.closing)}\r\n-}\r\n`);
  });
  return parts.join('');
}

function main(argv: string[]): void {
  const o = options(argv);
  const dir = mkdtempSync(join(tmpdir(), 'finmon-statements-bench-'));
  let generatedBytes = 0;
  const generationStart = process.hrtime.bigint();
  for (let a = 0; a < o.accounts; a++) {
    const iban = `DE${String(10 + (a % 89)).padStart(2, '0')}5000${String(a).padStart(14, '0')}`;
    for (const [month, days] of accountMonths(a, o)) {
      const camt = camt053(iban, days);
      const swift = mt940(iban, days);
      writeFileSync(join(dir, `${iban}-${month}.camt053.xml`), camt);
      writeFileSync(join(dir, `${iban}-${month}.mt940.sta`), swift);
      generatedBytes += camt.length + swift.length;
    }
  }
  const generationS = Number(process.hrtime.bigint() - generationStart) / 1e9;
  const files = readdirSync(dir).sort();
  console.log(`generated ${files.length} files (${(generatedBytes / 1e6).toFixed(0)} MB) for ${o.accounts} accounts × ${o.days} days × ${o.tx} entries per business day in ${generationS.toFixed(1)} s, in ${dir}`);

  const pointOptions: StatementPointOptions = {
    balanceKpi: { id: 'bank_balance', dimensions: ['account', 'bank', 'currency'] },
    balanceKinds: ['closing_booked', 'interim_booked'],
    cashFlowKpi: { id: 'bank_cash_flow', dimensions: ['account', 'bank', 'currency'] },
    accounts: [],
    defaultBank: 'unknown',
    timezone: 'America/New_York',
  };
  let tx = 0;
  let balances = 0;
  let bytes = 0;
  let parseNs = 0n;
  let mapNs = 0n;
  const byFormat = new Map<string, { files: number; tx: number; ns: bigint }>();
  for (const name of files) {
    const started = process.hrtime.bigint();
    const raw = readFileSync(join(dir, name));
    const parsed = parseStatementFile(decodeStatementBytes(raw));
    const parsedAt = process.hrtime.bigint();
    keyEntries(parsed.entries, pointOptions);
    balancePoints(parsed.balances, pointOptions);
    mapNs += process.hrtime.bigint() - parsedAt;
    parseNs += parsedAt - started;
    bytes += raw.length;
    tx += parsed.entries.length;
    balances += parsed.balances.length;
    const f = byFormat.get(parsed.format) ?? { files: 0, tx: 0, ns: 0n };
    byFormat.set(parsed.format, { files: f.files + 1, tx: f.tx + parsed.entries.length, ns: f.ns + (parsedAt - started) });
  }
  const parseS = Number(parseNs) / 1e9;
  for (const [format, f] of byFormat) {
    console.log(`${format}: ${f.files} files, ${f.tx} entries, ${(Number(f.ns) / 1e9).toFixed(2)} s, ${Math.round(f.tx / (Number(f.ns) / 1e9))} entries/s`);
  }
  console.log(`parsed ${(bytes / 1e6).toFixed(0)} MB in ${parseS.toFixed(2)} s (${(bytes / 1e6 / parseS).toFixed(1)} MB/s); entry keys and balance points: ${(Number(mapNs) / 1e9).toFixed(2)} s more`);
  if (o.keep) console.log(`files kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  console.log(`statements files=${files.length} tx_s=${Math.round(tx / parseS)} balances_s=${Math.round(balances / parseS)}`);
}

main(process.argv.slice(2));
