import { ErrorCodes, FinmonError } from '../core/errors';
import type { RunOutcome } from './run-with-retry';

/** A read-only picture of one pulled source's health (feeds the error-streak alert and the Health page). */
export interface SourceHealth {
  readonly name: string;
  /** A run is in progress. */
  readonly running: boolean;
  /** When the last run started (epoch ms), or null before the first. */
  readonly lastRunAt: number | null;
  /** When the last run ended, successfully or not. */
  readonly lastFinishedAt: number | null;
  readonly lastSuccessAt: number | null;
  /** Message of the most recent failure; kept after a later success (errorStreak tells if it is current). */
  readonly lastError: string | null;
  readonly lastErrorAt: number | null;
  /** Consecutive failed runs; 0 after a success. Cancelled runs leave it unchanged. */
  readonly errorStreak: number;
  /** Runs that ended (succeeded, failed or were cancelled). */
  readonly runs: number;
  readonly successes: number;
  readonly failures: number;
  /** Ticks (or manual runs) dropped because the previous run was still going. */
  readonly skipped: number;
  /** Attempts the last finished run took. */
  readonly lastAttempts: number | null;
  /** Points delivered since start. */
  readonly pointsDelivered: number;
}

type MutableHealth = { -readonly [K in keyof SourceHealth]: SourceHealth[K] };

/**
 * Per-source run bookkeeping, in memory. Pure: no I/O, no clock — times are passed in.
 * It also decides overlap: {@link SourceHealthBook.tryBegin} refuses a run while one is going.
 */
export class SourceHealthBook {
  private readonly entries = new Map<string, MutableHealth>();

  /** Registers the sources by name, in order; their health starts empty. */
  constructor(names: Iterable<string>) {
    for (const name of names) this.entries.set(name, emptyHealth(name));
  }

  /**
   * Marks a run of `name` as started at `now` and returns true, or — if one is still running —
   * counts a skip and returns false. Throws `FinmonError(NOT_FOUND)` on an unknown name.
   */
  tryBegin(name: string, now: number): boolean {
    const entry = this.entry(name);
    if (entry.running) {
      entry.skipped += 1;
      return false;
    }
    entry.running = true;
    entry.lastRunAt = now;
    return true;
  }

  /** Records how the running run of `name` ended at `now`. */
  finish(name: string, outcome: RunOutcome, now: number): void {
    const entry = this.entry(name);
    entry.running = false;
    entry.runs += 1;
    entry.lastFinishedAt = now;
    entry.lastAttempts = outcome.attempts;
    if (outcome.ok) {
      entry.successes += 1;
      entry.lastSuccessAt = now;
      entry.errorStreak = 0;
      entry.pointsDelivered += outcome.points.length;
    } else if (!outcome.cancelled) {
      entry.failures += 1;
      entry.errorStreak += 1;
      entry.lastError = outcome.error.message;
      entry.lastErrorAt = now;
    }
  }

  /** A frozen copy of one source's health, or undefined for an unknown name. */
  get(name: string): SourceHealth | undefined {
    const entry = this.entries.get(name);
    return entry ? Object.freeze({ ...entry }) : undefined;
  }

  /** Frozen copies of every source's health, in registration order. */
  snapshot(): readonly SourceHealth[] {
    return Object.freeze([...this.entries.values()].map((entry) => Object.freeze({ ...entry })));
  }

  private entry(name: string): MutableHealth {
    const entry = this.entries.get(name);
    if (!entry) throw new FinmonError(ErrorCodes.NOT_FOUND, `source health: no pulled source named "${name}" is registered`, 404);
    return entry;
  }
}

function emptyHealth(name: string): MutableHealth {
  return {
    name,
    running: false,
    lastRunAt: null,
    lastFinishedAt: null,
    lastSuccessAt: null,
    lastError: null,
    lastErrorAt: null,
    errorStreak: 0,
    runs: 0,
    successes: 0,
    failures: 0,
    skipped: 0,
    lastAttempts: null,
    pointsDelivered: 0,
  };
}
