/**
 * The project's own implementation of the Numenta Anomaly Benchmark (NAB v1.1) scoring rules.
 *
 * Sources (numenta/NAB, commit ea702d7): `nab/sweeper.py` (scaledSigmoid, calcSweepScore,
 * calcScoreByThreshold: per-row weights, probation = min(floor(0.15·N), 0.15·5000), only the best
 * detection of a window counts), `nab/optimizer.py` (one threshold per profile over the corpus),
 * `nab/runner.py` (normalisation 100·(raw − null)/(perfect − null)) and `config/profiles.json`
 * (standard A_TP 1 / A_FP 0.11 / A_FN 1; reward_low_FP_rate 1 / 0.22 / 1; reward_low_FN_rate
 * 1 / 0.11 / 2). Lavin & Ahmad 2015, arXiv:1510.03336.
 *
 * Pure: no I/O. Complexity: O(rows) to weigh a file, O(rows·log rows) to optimise a threshold.
 */

/** Weights of one NAB application profile. */
export interface NabProfile {
  readonly name: string;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

/** NAB's three application profiles (config/profiles.json). */
export const NAB_PROFILES = {
  standard: { name: 'standard', tp: 1.0, fp: 0.11, fn: 1.0 },
  rewardLowFP: { name: 'reward_low_FP_rate', tp: 1.0, fp: 0.22, fn: 1.0 },
  rewardLowFN: { name: 'reward_low_FN_rate', tp: 1.0, fp: 0.11, fn: 2.0 },
} as const satisfies Record<string, NabProfile>;

/** An anomaly window as inclusive row indices. */
export interface RowWindow {
  readonly left: number;
  readonly right: number;
}

/** One file's detector output with its windows, ready for scoring. */
export interface ScoredFile {
  readonly name: string;
  readonly scores: ArrayLike<number>;
  readonly windows: readonly RowWindow[];
}

/**
 * NAB's scaled sigmoid of the relative position y: `2/(1+e^{5y}) − 1`, and −1 when y ≥ 3
 * (nab/sweeper.py `scaledSigmoid`). σ(−1) ≈ 0.98661, σ(0) = 0.
 * @example scaledSigmoid(0) // 0
 */
export function scaledSigmoid(y: number): number {
  if (y >= 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

/** Rows at the start of a file that NAB ignores: min(floor(0.15·N), 750). */
export function probationLength(rowCount: number): number {
  return Math.min(Math.floor(0.15 * rowCount), 750);
}

/**
 * Turns window timestamps into inclusive row windows: each edge is the first row whose timestamp
 * matches exactly (fractional seconds `.000000` as written in combined_windows.json are ignored).
 * Throws when an edge is not found, naming the file and the timestamp.
 */
export function locateWindows(
  fileName: string,
  timestamps: readonly string[],
  windows: readonly (readonly [string, string])[],
): RowWindow[] {
  const firstRow = new Map<string, number>();
  timestamps.forEach((t, i) => {
    const key = normaliseTimestamp(t);
    if (!firstRow.has(key)) firstRow.set(key, i);
  });
  return windows.map(([start, end]) => {
    const left = firstRow.get(normaliseTimestamp(start));
    const right = firstRow.get(normaliseTimestamp(end));
    if (left === undefined || right === undefined || right < left) {
      throw new Error(`NAB window [${start}, ${end}] of ${fileName} does not match its rows`);
    }
    return { left, right };
  });
}

function normaliseTimestamp(t: string): string {
  return t.trim().replace(/\.0+$/, '');
}

/** A scorable row: its anomaly score, its weight if it were a detection, and its window (or −1). */
interface WeightedRow {
  score: number;
  weight: number;
  window: number;
}

/**
 * Weighs every non-probationary row of a file as NAB's `calcSweepScore` does: inside a window the
 * weight is A_TP·σ(−(right − i + 1)/w)/σ(−1); outside, A_FP·σ(|i − prevRight|/(prevW − 1)) after a
 * window, or −A_FP before the first one. Window ids are offset by `windowOffset`.
 */
function weighRows(file: ScoredFile, profile: NabProfile, windowOffset: number): WeightedRow[] {
  const n = file.scores.length;
  const probation = probationLength(n);
  const maxTp = scaledSigmoid(-1);
  const rows: WeightedRow[] = [];
  let w = 0;
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < n; i++) {
    const current = file.windows[w];
    let weight: number;
    let window = -1;
    if (current !== undefined && i >= current.left && i <= current.right) {
      const width = current.right - current.left + 1;
      weight = (profile.tp * scaledSigmoid(-(current.right - i + 1) / width)) / maxTp;
      window = windowOffset + w;
      if (i === current.right) {
        prevRight = i;
        prevWidth = width;
        w++;
      }
    } else {
      const y = prevRight < 0 ? 3 : Math.abs(i - prevRight) / (prevWidth - 1);
      weight = profile.fp * scaledSigmoid(y);
    }
    if (i >= probation) {
      const score = file.scores[i];
      if (score === undefined || !Number.isFinite(score)) {
        throw new Error(`anomaly score of ${file.name} row ${i} is not a finite number`);
      }
      rows.push({ score, weight, window });
    }
  }
  return rows;
}

/** The result of optimising one profile over a corpus. */
export interface ProfileScore {
  readonly profile: string;
  readonly threshold: number;
  readonly raw: number;
  readonly normalized: number;
  readonly windowCount: number;
}

/**
 * Finds the single corpus-wide threshold that maximises the raw NAB score for a profile (candidates:
 * every distinct score, plus "above every score" = no detections) and normalises the raw score:
 * 100·(raw − null)/(perfect − null), null = −A_FN·(windows with a scorable row), perfect = A_TP·windows.
 * Throws when the corpus has no window (normalisation undefined).
 */
export function scoreCorpus(files: readonly ScoredFile[], profile: NabProfile): ProfileScore {
  const rows: WeightedRow[] = [];
  let windowCount = 0;
  const windowHasRows: boolean[] = [];
  for (const file of files) {
    for (const row of weighRows(file, profile, windowCount)) {
      rows.push(row);
      if (row.window >= 0) windowHasRows[row.window] = true;
    }
    windowCount += file.windows.length;
  }
  if (windowCount === 0) throw new Error('NAB corpus has no anomaly window: cannot normalise');
  const scorableWindows = windowHasRows.filter(Boolean).length;
  const best = new Float64Array(windowCount).fill(-profile.fn);
  rows.sort((a, b) => b.score - a.score);
  let total = -profile.fn * scorableWindows;
  let bestRaw = total;
  let bestThreshold = Number.POSITIVE_INFINITY;
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k]!;
    if (row.window < 0) {
      total += row.weight;
    } else {
      const before = best[row.window]!;
      if (row.weight > before) {
        total += row.weight - before;
        best[row.window] = row.weight;
      }
    }
    const next = rows[k + 1];
    if ((next === undefined || next.score !== row.score) && total > bestRaw) {
      bestRaw = total;
      bestThreshold = row.score;
    }
  }
  // As nab/runner.py normalize(): the baseline is the null detector's score through this same scorer
  // (a window whose rows all lie in probation counts for neither), the perfect score counts every
  // window of the label file. On a corpus where no window lies in probation both are ±weight·windows.
  const nullRaw = -profile.fn * scorableWindows;
  const perfectRaw = profile.tp * windowCount;
  const raw = bestRaw;
  return {
    profile: profile.name,
    threshold: bestThreshold,
    raw,
    normalized: (100 * (raw - nullRaw)) / (perfectRaw - nullRaw),
    windowCount,
  };
}
