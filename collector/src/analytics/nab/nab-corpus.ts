/**
 * Parsing of NAB's data files and label file (pure: text in, values out; the bench does the I/O).
 */

/** One NAB data file's rows. */
export interface NabSeries {
  readonly timestamps: string[];
  /** Epoch ms of each row (timestamps read as UTC; NAB has no time zone). */
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/**
 * Parses a NAB CSV (`timestamp,value` header, `YYYY-MM-DD HH:MM:SS,number` rows).
 * @throws Error naming the file and line on a malformed row.
 */
export function parseNabCsv(fileName: string, text: string): NabSeries {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines.shift();
  if (header === undefined || !/^timestamp,value/.test(header.trim())) {
    throw new Error(`${fileName}: expected header "timestamp,value", got ${JSON.stringify(header)}`);
  }
  const timestamps: string[] = [];
  const times = new Float64Array(lines.length);
  const values = new Float64Array(lines.length);
  lines.forEach((line, i) => {
    const [ts, raw] = line.split(',');
    const time = ts === undefined ? Number.NaN : Date.parse(`${ts.trim().replace(' ', 'T')}Z`);
    const value = raw === undefined ? Number.NaN : Number(raw);
    if (!Number.isFinite(time) || !Number.isFinite(value) || raw!.trim() === '') {
      throw new Error(`${fileName}:${i + 2}: malformed row ${JSON.stringify(line)}`);
    }
    timestamps.push(ts!.trim());
    times[i] = time;
    values[i] = value;
  });
  return { timestamps, times, values };
}

/**
 * Parses combined_windows.json: `{ "<category>/<file>.csv": [["start","end"], ...] }`.
 * @throws Error when the shape is wrong.
 */
export function parseNabWindows(text: string): Map<string, [string, string][]> {
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('combined_windows.json: expected an object of file → windows');
  }
  const out = new Map<string, [string, string][]>();
  for (const [file, windows] of Object.entries(parsed)) {
    if (!Array.isArray(windows) || !windows.every((w) => Array.isArray(w) && w.length === 2 && w.every((x) => typeof x === 'string'))) {
      throw new Error(`combined_windows.json: windows of ${file} must be [[start, end], ...]`);
    }
    out.set(file, windows as [string, string][]);
  }
  return out;
}

/** One row of NAB's results layout: timestamp,value,anomaly_score,label. */
export function formatNabResults(series: NabSeries, scores: ArrayLike<number>, windows: readonly { left: number; right: number }[]): string {
  const out: string[] = ['timestamp,value,anomaly_score,label'];
  for (let i = 0; i < series.timestamps.length; i++) {
    const label = windows.some((w) => i >= w.left && i <= w.right) ? 1 : 0;
    out.push(`${series.timestamps[i]},${series.values[i]},${scores[i]},${label}`);
  }
  return `${out.join('\n')}\n`;
}
