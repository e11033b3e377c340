import { parseM4TrainCsv } from './m4-train-csv';

describe('parseM4TrainCsv', () => {
  it('reads quoted ids and values and drops the end padding', () => {
    const text = '"V1","V2","V3","V4"\n"W1","1.5","2","3"\n"W2","5","",""\n';
    expect(parseM4TrainCsv(text)).toEqual([
      { id: 'W1', values: [1.5, 2, 3] },
      { id: 'W2', values: [5] },
    ]);
  });

  it('names the line of a bad cell or a gap inside a series', () => {
    expect(() => parseM4TrainCsv('"V1","V2"\n"W1","x"')).toThrow(/line 2, column 2: "x" is not a number/);
    expect(() => parseM4TrainCsv('"V1","V2","V3"\n"W1","","4"')).toThrow(/value after padding/);
  });
});
