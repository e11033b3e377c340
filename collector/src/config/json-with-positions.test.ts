import fc from 'fast-check';
import { JsonSyntaxError, parseJsonWithPositions } from './json-with-positions';

const SEED = 20241124;

/** Offset of a 1-based line/column in `text`. */
function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = text.indexOf('\n', offset) + 1;
  return offset + column - 1;
}

/** Every path to an object member or array element of a JSON value. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  }
  return [];
}

function valueAt(value: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], value);
}

describe('parseJsonWithPositions', () => {
  it('parses exactly what JSON.parse parses, at any indentation', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(parseJsonWithPositions(text).value).toEqual(JSON.parse(text));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('accepts and rejects the same texts as JSON.parse (duplicate keys aside)', () => {
    const jsonish = fc.stringMatching(/^[\s{}[\]",:0-9eE.+\-a-z\\]{0,24}$/);
    fc.assert(
      fc.property(fc.oneof(jsonish, fc.string()), (text) => {
        let expectedOk = true;
        try {
          JSON.parse(text);
        } catch {
          expectedOk = false;
        }
        let ok = true;
        try {
          parseJsonWithPositions(text);
        } catch (err) {
          expect(err).toBeInstanceOf(JsonSyntaxError);
          ok = (err as JsonSyntaxError).reason.startsWith('duplicate key') ? expectedOk : false;
        }
        expect(ok).toBe(expectedOk);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('locates every member at its key and every element at its start', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const text = JSON.stringify(value, null, 2);
        const { locate } = parseJsonWithPositions(text);
        for (const path of pathsOf(value)) {
          const pos = locate(path)!;
          const rest = text.slice(offsetOf(text, pos.line, pos.column));
          const last = path[path.length - 1]!;
          const expected = typeof last === 'number' ? JSON.stringify(valueAt(value, path), null, 2)?.split('\n')[0] : `${JSON.stringify(last)}:`;
          expect(rest.startsWith(expected ?? 'null')).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('locates a missing path at its deepest existing parent', () => {
    const text = '{\n  "kpis": [\n    {\n      "id": "revenue"\n    }\n  ]\n}';
    const { locate } = parseJsonWithPositions(text);
    expect(locate(['kpis', 0, 'cadence'])).toEqual({ line: 3, column: 5 });
    expect(locate(['kpis', 0, 'id'])).toEqual({ line: 4, column: 7 });
    expect(locate(['nope'])).toEqual({ line: 1, column: 1 });
  });

  it.each([
    ['{"a": 1,}', 1, 9, "expected a property name in double quotes but found '}'"],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, "expected ',' or '}' after a property value but found '\"'"],
    ['[1, 2', 1, 6, "expected ',' or ']' after an array element but found the end of the file"],
    ['{"a": "x\ny"}', 1, 9, 'control character in a string (write it as an escape such as \\n)'],
    ['{"a": "\\q"}', 1, 8, 'invalid escape in a string (allowed: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)'],
    ['{"a": 01}', 1, 8, "expected ',' or '}' after a property value but found '1'"],
    ['{"a": tru}', 1, 7, "expected a value but found 'tru'"],
    ['{"a": 1, "a": 2}', 1, 10, 'duplicate key "a"'],
    ['{} x', 1, 4, "unexpected 'x' after the end of the JSON value"],
    ['', 1, 1, 'expected a value (object, array, string, number, true, false or null) but found the end of the file'],
  ])('reports %j at line %i, column %i', (text, line, column, reason) => {
    expect(() => parseJsonWithPositions(text)).toThrow(new JsonSyntaxError(reason, line, column));
    try {
      parseJsonWithPositions(text);
    } catch (err) {
      expect(err).toMatchObject({ reason, line, column, message: `${reason} at line ${line}, column ${column}` });
    }
  });

  it('keeps "__proto__" as a plain key, as JSON.parse does', () => {
    const { value } = parseJsonWithPositions('{"__proto__": {"polluted": true}}');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
