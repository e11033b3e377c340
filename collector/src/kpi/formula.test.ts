import fc from 'fast-check';
import { ErrorCodes, FinmonError } from '../core/errors';
import { formulaDependencies, parseFormula, type FormulaDataSource } from './formula';

/** A data source over fixed numbers: latest values by KPI, sums and averages by "kpi/window". */
function source(latest: Record<string, number>, sums: Record<string, number> = {}, avgs: Record<string, number> = {}) {
  const calls: string[] = [];
  const src: FormulaDataSource = {
    latest: (k) => {
      calls.push(`latest(${k})`);
      return latest[k] ?? NaN;
    },
    sum: (k, w) => {
      calls.push(`sum(${k},${w})`);
      return sums[`${k}/${w}`] ?? NaN;
    },
    avg: (k, w) => {
      calls.push(`avg(${k},${w})`);
      return avgs[`${k}/${w}`] ?? NaN;
    },
  };
  return { src, calls };
}

const DAY = 86_400_000;

function errorOf(text: string): FinmonError {
  try {
    parseFormula(text);
  } catch (err) {
    return err as FinmonError;
  }
  throw new Error(`expected "${text}" to be rejected`);
}

describe('parseFormula: the language', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['12 / 4 / 3', 1],
    ['-2 * -3', 6],
    ['- (2 + 3)', -5],
    ['2 < 3', 1],
    ['3 <= 3', 1],
    ['2 > 3', 0],
    ['3 >= 4', 0],
    ['3 == 3', 1],
    ['3 != 3', 0],
    ['1 ? 10 : 20', 10],
    ['0 ? 10 : 20', 20],
    ['0 ? 1 : 0 ? 2 : 3', 3],
    ['1 > 0 ?.5 : 1', 0.5],
    ['min(4, 2, 8)', 2],
    ['max(4, 2, 8)', 8],
    ['abs(-7.5)', 7.5],
    ['1e3 + .5', 1000.5],
  ])('%s = %d', (text, expected) => {
    expect(parseFormula(text).evaluate(source({}).src, 0)).toBe(expected);
  });

  it('reads a bare identifier as latest(k) and passes the evaluation time on', () => {
    const seen: number[] = [];
    const src: FormulaDataSource = {
      latest: (k, asOf) => {
        seen.push(asOf);
        return k === 'a' ? 6 : 3;
      },
      sum: () => NaN,
      avg: () => NaN,
    };
    expect(parseFormula('a / latest(b)').evaluate(src, 1234)).toBe(2);
    expect(seen).toEqual([1234, 1234]);
  });

  it('passes windows to sum() and avg() in milliseconds', () => {
    const { src, calls } = source({}, { [`revenue/${90 * DAY}`]: 900 }, { [`inv/${365 * DAY}`]: 3 });
    expect(parseFormula('sum(revenue, "90d") / avg(inv, \'365d\')').evaluate(src, 0)).toBe(300);
    expect(calls.sort()).toEqual([`avg(inv,${365 * DAY})`, `sum(revenue,${90 * DAY})`]);
  });

  it('evaluates only the branch the ternary takes', () => {
    const { src, calls } = source({ burn_rate: -5, cash_position: 100 });
    expect(parseFormula('burn_rate > 0 ? cash_position / burn_rate : 99').evaluate(src, 0)).toBe(99);
    expect(calls).toEqual(['latest(burn_rate)']);
  });

  it('lists dependencies once each, in order of appearance, and the windows', () => {
    const f = parseFormula('(sum(revenue,"30d") - sum(cogs,"30d")) / sum(revenue,"30d") * 100');
    expect(f.dependencies).toEqual(['revenue', 'cogs']);
    expect(f.windows).toEqual([
      { fn: 'sum', kpi: 'revenue', windowMs: 30 * DAY },
      { fn: 'sum', kpi: 'cogs', windowMs: 30 * DAY },
      { fn: 'sum', kpi: 'revenue', windowMs: 30 * DAY },
    ]);
    expect(formulaDependencies('burn_rate > 0 ? cash_position / burn_rate : 99')).toEqual(['burn_rate', 'cash_position']);
    expect(formulaDependencies('latest(total_debt) / sum(ebitda, "365d")')).toEqual(['total_debt', 'ebitda']);
    expect(formulaDependencies('42')).toEqual([]);
  });
});

describe('parseFormula: no value instead of NaN or Infinity', () => {
  it.each([
    ['1 / 0'],
    ['0 / 0'],
    ['a / (b - b)'],
    ['missing + 1'],
    ['missing > 0 ? 1 : 2'], // an unknown comparison must not pick the else branch
    ['(1 / 0) > 5 ? 1 : 2'], // division by zero poisons comparisons too
    ['min(1, missing)'],
    ['abs(missing)'],
    ['1e308 * 10'],
  ])('%s → undefined', (text) => {
    expect(parseFormula(text).evaluate(source({ a: 3, b: 2 }).src, 0)).toBeUndefined();
  });

  it('never returns a non-finite number for any inputs (property)', () => {
    const f = parseFormula('a / b + (a > b ? a * b : min(a, b) / (a - b)) - abs(b) / max(a, b)');
    fc.assert(
      fc.property(fc.double(), fc.double(), (a, b) => {
        const v = f.evaluate(source({ a, b }).src, 0);
        return v === undefined || Number.isFinite(v);
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('parseFormula: rejected syntax, with the column', () => {
  it.each([
    ['a.b', 'member access', 2],
    ['abs(a).x', 'member access', 7],
    ['a[1]', 'indexing', 2],
    ['[1, 2]', 'arrays are not allowed', 1],
    ['1 + [2]', 'arrays are not allowed', 5],
    ['this', '"this" is not allowed', 1],
    ['a + this', '"this" is not allowed', 5],
    ['true ? 1 : 2', '"true" is not allowed', 1],
    ['a = 1', 'assignment', 3],
    ['a % 2', 'operator "%"', 3],
    ['a ** 2', 'operator "**"', 3],
    ['a && b', 'operator "&&"', 3],
    ['a || b', 'operator "||"', 3],
    ['a === b', 'operator "==="', 3],
    ['a !== b', 'operator "!=="', 3],
    ['a << 1', 'operator "<<"', 3],
    ['a ?? b', 'operator "??"', 3],
    ['a?.b', 'operator "?."', 2],
    ['!a', 'operator "!"', 1],
    ['~a', 'operator "~"', 1],
    ['+a', 'unary "+"', 1],
    ['a; b', '";" is not allowed', 2],
    ['a, b', 'single expression', 4],
    ['a b', 'expected an operator', 3],
    ['(a, b)', '"," list', 1],
    ['()', 'empty parentheses', 1],
    ['1 +', 'Expected expression after +', 4],
    ['(1 + 2', 'Unclosed (', 7],
    ['"30d"', 'a string is only allowed', 1],
    ['', 'the formula is empty', 1],
  ])('%s: %s (column %d)', (text, message, column) => {
    const err = errorOf(text);
    expect(err).toBeInstanceOf(FinmonError);
    expect(err.code).toBe(ErrorCodes.FORMULA_INVALID);
    expect(err.message).toContain(message);
    expect(err.message).toContain(`at column ${column}`);
    expect(err.message).toContain(`"${text}"`);
  });
});

describe('parseFormula: functions and their arguments', () => {
  it.each([
    ['foo(a)', 'unknown function "foo"', 1],
    ['1 + sqrt(a)', 'unknown function "sqrt"', 5],
    ['a(1)', 'unknown function "a"', 1],
    ['latest(1)', 'latest() expects a KPI id', 8],
    ['latest(a, b)', 'latest() takes exactly one KPI id', 1],
    ['sum(a)', 'sum() takes a KPI id and a window', 1],
    ['sum(a, 30)', 'quoted window', 8],
    ['avg(a, "3x")', '"3x" is not a window', 8],
    ['sum(1 + a, "30d")', 'sum() expects a KPI id', 5],
    ['min()', 'min() needs at least one argument', 1],
    ['abs(a, b)', 'abs() takes exactly one argument', 1],
    ['latest(a)(1)', 'only the functions', 10],
  ])('%s: %s (column %d)', (text, message, column) => {
    const err = errorOf(text);
    expect(err.code).toBe(ErrorCodes.FORMULA_INVALID);
    expect(err.message).toContain(message);
    expect(err.message).toContain(`at column ${column}`);
  });

  it('formulaDependencies throws the same error as parseFormula', () => {
    expect(() => formulaDependencies('a.b')).toThrow(/member access.*column 2/);
  });

  it('leaves jsep usable for others: the restrictions apply only inside parseFormula', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jsep = require('jsep') as (s: string) => { type: string };
    parseFormula('a + 1');
    expect(jsep('a.b').type).toBe('MemberExpression');
  });

  it('rejects or accepts arbitrary text without throwing anything but FORMULA_INVALID (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        try {
          parseFormula(text);
        } catch (err) {
          return err instanceof FinmonError && err.code === ErrorCodes.FORMULA_INVALID && /at column \d+/.test(err.message);
        }
        return true;
      }),
      { seed: 7, numRuns: 1000 },
    );
  });
});
