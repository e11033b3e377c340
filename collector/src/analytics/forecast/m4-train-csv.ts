/** One series of an M4 training file. */
export interface M4Series {
  readonly id: string;
  readonly values: number[];
}

/**
 * Parses an M4 `*-train.csv` text: a header row, then one row per series, every cell quoted, the
 * id in the first column and observations after it, shorter series padded with empty cells. O(size).
 * @example parseM4TrainCsv('"V1","V2","V3"\n"W1","1","2"\n"W2","5",""') // [{id:'W1',values:[1,2]},{id:'W2',values:[5]}]
 * @throws RangeError naming the line when a cell is not a number or a value follows a padding cell
 */
export function parseM4TrainCsv(text: string): M4Series[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const out: M4Series[] = [];
  lines.slice(1).forEach((line, index) => {
    const cells = line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    const id = cells[0] ?? '';
    const values: number[] = [];
    let ended = false;
    cells.slice(1).forEach((cell, column) => {
      if (cell === '') {
        ended = true;
        return;
      }
      const value = Number(cell);
      if (ended || !Number.isFinite(value)) {
        throw new RangeError(`M4 csv line ${index + 2}, column ${column + 2}: ${ended ? 'value after padding' : `"${cell}" is not a number`}`);
      }
      values.push(value);
    });
    if (id === '' || values.length === 0) throw new RangeError(`M4 csv line ${index + 2}: missing id or values`);
    out.push({ id, values });
  });
  return out;
}
