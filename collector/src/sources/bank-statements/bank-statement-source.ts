import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { systemClock, type Clock } from '../../core/clock';
import { ErrorCodes, FinmonError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Point } from '../../core/point';
import { validatePoint, type KpiLookup } from '../../ingest/validate-point';
import type { PulledSource, PulledSourceContext, RetryPolicy } from '../../scheduling/pulled-source';
import type { PointSink } from './point-sink';
import { ensureDropFolders, listReadyFiles, moveInto, quarantine, type DropFolderPaths, type ReadyFile } from './drop-folder';
import { seriesDayKey, type ImportedEntryRecord, type ImportedStatementStore } from './imported-statement-store';
import { decodeStatementBytes, parseStatementFile } from './parse-statement-file';
import { StatementFormatError } from './statement-error';
import type { ParsedStatementFile } from './statement-model';
import { balancePoints, cashFlowPoints, keyEntries, type StatementPointOptions } from './statement-points';

export interface BankStatementSourceOptions extends DropFolderPaths {
  readonly name: string;
  /** Cron expression; default every 15 minutes. */
  readonly schedule?: string;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** A file modified less than this long ago is still being written and waits (default 5 s). */
  readonly settleMs?: number;
  /** Larger files are quarantined unread (default 64 MiB). */
  readonly maxFileBytes?: number;
  readonly points: StatementPointOptions;
  readonly store: ImportedStatementStore;
  readonly sink: PointSink;
  /** The KPI catalog: every point is checked as pushed points are (dimensions, time bounds). */
  readonly catalog: KpiLookup;
  /** Wall clock for file ages (file times are wall-clock); default the system clock. */
  readonly fileClock?: Clock;
}

export const DEFAULT_STATEMENT_SCHEDULE = '*/15 * * * *';

/** What one run did, for logs and tests. */
export interface DropFolderRunSummary {
  readonly imported: string[];
  readonly alreadyImported: string[];
  readonly quarantined: string[];
  readonly points: number;
  readonly newEntries: number;
  readonly duplicateEntries: number;
}

type MutableSummary = { -readonly [K in keyof DropFolderRunSummary]: DropFolderRunSummary[K] };

/**
 * A drop folder of bank statements (BAI2, MT940, MT942, camt.053, camt.052) read on a schedule.
 * Each ready file, in name order:
 * 1. its SHA-256 is looked up — a file imported before is archived again and adds nothing;
 * 2. it is parsed (format by content) — an unreadable file goes to quarantine with a reason file
 *    naming the line or element, and the run goes on with the next file;
 * 3. its balances become balance-KPI points; its entries not imported before (entry key) become
 *    cash-flow points numbered after the entries already stored for their series and day;
 * 4. the points are checked against the catalog (a point the catalog refuses quarantines the file)
 *    and handed to the sink; only once the sink has them is the file recorded as imported (file and
 *    entries in one transaction) and moved to the archive.
 * A sink failure fails the run (retried by the scheduler); the file stays in the folder. The points
 * go to the sink directly, so `run` resolves with none for the scheduler to deliver.
 */
export class BankStatementSource implements PulledSource {
  readonly name: string;
  readonly schedule: string;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;

  constructor(private readonly options: BankStatementSourceOptions) {
    this.name = options.name;
    this.schedule = options.schedule ?? DEFAULT_STATEMENT_SCHEDULE;
    if (options.timeoutMs !== undefined) this.timeoutMs = options.timeoutMs;
    if (options.retry !== undefined) this.retry = options.retry;
  }

  async run(ctx: PulledSourceContext): Promise<Point[]> {
    const summary = await this.importReadyFiles(ctx);
    if (summary.imported.length + summary.quarantined.length + summary.alreadyImported.length > 0) {
      ctx.logger.info(summary, 'bank statement drop folder read');
    }
    return [];
  }

  /** One pass over the drop folder (what {@link run} does), returning what happened. */
  async importReadyFiles(ctx: PulledSourceContext): Promise<DropFolderRunSummary> {
    const o = this.options;
    await ensureDropFolders(o);
    const files = await listReadyFiles(o.dropDir, (o.fileClock ?? systemClock).now(), o.settleMs ?? 5_000);
    const summary: MutableSummary = { imported: [], alreadyImported: [], quarantined: [], points: 0, newEntries: 0, duplicateEntries: 0 };
    for (const file of files) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      await this.importFile(file, ctx, summary);
    }
    return summary;
  }

  private async importFile(file: ReadyFile, ctx: PulledSourceContext, summary: MutableSummary): Promise<void> {
    const o = this.options;
    const log = ctx.logger.child({ file: file.name });
    const maxBytes = o.maxFileBytes ?? 64 * 1024 * 1024;
    const bytes = file.size > maxBytes ? Buffer.alloc(0) : await readFile(file.path);
    const contentHash = createHash('sha256').update(bytes).digest('hex');
    const tag = contentHash.slice(0, 12);
    const toQuarantine = async (format: string, where: string, problem: string): Promise<void> => {
      const target = await quarantine(file.path, o.quarantineDir, tag, { fileName: file.name, format, where, problem, contentHash, at: ctx.now });
      summary.quarantined.push(file.name);
      log.warn({ format, where, problem, movedTo: target }, 'bank statement file quarantined');
    };
    if (file.size > maxBytes) {
      await toQuarantine('unknown', 'file', `the file has ${file.size} bytes, more than the limit of ${maxBytes}`);
      return;
    }

    const previous = await o.store.findFile(contentHash);
    if (previous) {
      await moveInto(file.path, o.archiveDir, tag);
      summary.alreadyImported.push(file.name);
      log.info({ firstImportedAs: previous.fileName, at: new Date(previous.importedAt).toISOString() }, 'bank statement file was imported before; it adds nothing');
      return;
    }

    let parsed: ParsedStatementFile;
    try {
      parsed = parseStatementFile(decodeStatementBytes(bytes));
    } catch (error) {
      // Whatever a parser throws concerns this file only: it must not hold up the others.
      if (error instanceof StatementFormatError) await toQuarantine(error.format, error.location, error.problem);
      else {
        log.error({ err: error }, 'bank statement parser failed unexpectedly');
        await toQuarantine('unknown', 'file', `unexpected error while reading the file: ${(error as Error).message}`);
      }
      return;
    }
    let points: Point[];
    let newEntries: ImportedEntryRecord[];
    try {
      ({ points, newEntries } = await this.pointsOf(parsed, ctx.now));
    } catch (error) {
      if (!(error instanceof StatementFormatError)) throw error; // the store failed: retry the run
      await toQuarantine(error.format, error.location, error.problem);
      return;
    }

    if (points.length > 0) {
      try {
        await o.sink.accept(points);
      } catch (error) {
        throw new FinmonError(
          ErrorCodes.SOURCE_FAILED,
          `bank statements "${this.name}": storing the ${points.length} points of ${file.name} failed; the file stays in the drop folder: ${(error as Error).message}`,
          503,
          error instanceof FinmonError ? error.retryable : true,
          { cause: error },
        );
      }
    }
    await o.store.recordImport(
      {
        contentHash,
        fileName: file.name,
        format: parsed.format,
        source: this.name,
        importedAt: ctx.now,
        statements: parsed.statements,
        balances: parsed.balances.length,
        entries: parsed.entries.length,
        newEntries: newEntries.length,
      },
      newEntries,
    );
    await moveInto(file.path, o.archiveDir, tag);
    summary.imported.push(file.name);
    summary.points += points.length;
    summary.newEntries += newEntries.length;
    summary.duplicateEntries += parsed.entries.length - newEntries.length;
    log.info({ format: parsed.format, statements: parsed.statements, points: points.length, newEntries: newEntries.length }, 'bank statement file imported');
  }

  /** Balance points plus cash-flow points of the entries not imported before, all checked against the catalog. */
  private async pointsOf(parsed: ParsedStatementFile, now: number): Promise<{ points: Point[]; newEntries: ImportedEntryRecord[] }> {
    const o = this.options;
    const keyed = keyEntries(parsed.entries, o.points);
    const existing = await o.store.existingEntryKeys(keyed.map((k) => k.key));
    const fresh = keyed.filter((k) => !existing.has(k.key));
    const counts = await o.store.entryCounts(fresh.map((k) => ({ series: k.series, bookingDate: k.entry.bookingDate })));
    const next = new Map<string, number>();
    const numbered = fresh.map((k) => {
      const dayKey = seriesDayKey({ series: k.series, bookingDate: k.entry.bookingDate });
      const seq = next.get(dayKey) ?? counts.get(dayKey) ?? 0;
      next.set(dayKey, seq + 1);
      return { ...k, seq };
    });
    const balanceOnes = balancePoints(parsed.balances, o.points);
    const flowOnes = cashFlowPoints(numbered, o.points);
    const clock = { now: () => now };
    const check = (point: Point, where: string): void => {
      const result = validatePoint({ measurement: point.kpi, tags: { ...point.tags }, fields: { value: point.value }, timestamp: point.ns }, o.catalog, clock);
      if (!result.ok) throw new StatementFormatError(parsed.format, where, `cannot be stored: ${result.reason}`);
    };
    const kinds = new Set(o.points.balanceKinds);
    parsed.balances.filter((b) => kinds.has(b.kind)).forEach((b, i) => check(balanceOnes[i]!, b.location));
    flowOnes.forEach((p, i) => check(p, numbered[i]!.entry.location));
    return {
      points: [...balanceOnes, ...flowOnes],
      newEntries: numbered.map((k) => ({
        entryKey: k.key,
        series: k.series,
        bookingDate: k.entry.bookingDate,
        seq: k.seq,
        currency: k.entry.currency,
        amount: k.entry.amount,
      })),
    };
  }
}
