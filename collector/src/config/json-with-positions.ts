import { LineIndex, type PathLocator, type SourcePosition } from './source-positions';

/**
 * A strict JSON parser (RFC 8259, the grammar JSON.parse accepts) that also records where each
 * object member and array element starts, so configuration errors can name the line of a path.
 * It rejects duplicate keys, which JSON.parse silently resolves to the last one: in a config file a
 * repeated key is a mistake. Keys such as "__proto__" become plain own properties, as with
 * JSON.parse.
 */

/** A syntax error with the 1-based line and column where parsing stopped. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${reason} at line ${line}, column ${column}`);
    this.name = 'JsonSyntaxError';
  }
}

export interface JsonWithPositions {
  readonly value: unknown;
  readonly locate: PathLocator;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const STRING_BODY = /(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*/y;

/**
 * Parses `text` as JSON. Throws `JsonSyntaxError` (line, column) on malformed input.
 * Complexity O(length of text).
 */
export function parseJsonWithPositions(text: string): JsonWithPositions {
  const parser = new Parser(text);
  const value = parser.parseDocument();
  const offsets = parser.offsets;
  const lines = parser.lines;
  return {
    value,
    locate: (path) => {
      let best: SourcePosition | undefined = lines.position(parser.rootOffset);
      for (let depth = 1; depth <= path.length; depth++) {
        const offset = offsets.get(pathKey(path.slice(0, depth)));
        if (offset === undefined) break;
        best = lines.position(offset);
      }
      return best;
    },
  };
}

function pathKey(path: readonly PropertyKey[]): string {
  return JSON.stringify(path.map((p) => (typeof p === 'number' ? p : String(p))));
}

class Parser {
  private pos = 0;
  readonly offsets = new Map<string, number>();
  readonly lines: LineIndex;
  rootOffset = 0;

  constructor(private readonly text: string) {
    this.lines = new LineIndex(text);
  }

  parseDocument(): unknown {
    this.skipWhitespace();
    this.rootOffset = this.pos;
    const value = this.parseValue([]);
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail(`unexpected ${this.describeHere()} after the end of the JSON value`);
    return value;
  }

  private parseValue(path: (string | number)[]): unknown {
    const ch = this.text[this.pos];
    switch (ch) {
      case '{':
        return this.parseObject(path);
      case '[':
        return this.parseArray(path);
      case '"':
        return this.parseString();
      case 't':
        return this.parseLiteral('true', true);
      case 'f':
        return this.parseLiteral('false', false);
      case 'n':
        return this.parseLiteral('null', null);
      default:
        if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return this.parseNumber();
        return this.fail(`expected a value (object, array, string, number, true, false or null) but found ${this.describeHere()}`);
    }
  }

  private parseObject(path: (string | number)[]): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.pos++; // {
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') this.fail(`expected a property name in double quotes but found ${this.describeHere()}`);
      const keyOffset = this.pos;
      const key = this.parseString();
      if (seen.has(key)) {
        this.pos = keyOffset;
        this.fail(`duplicate key ${JSON.stringify(key)}`);
      }
      seen.add(key);
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail(`expected ':' after property name ${JSON.stringify(key)} but found ${this.describeHere()}`);
      this.pos++;
      this.skipWhitespace();
      const childPath = [...path, key];
      this.offsets.set(pathKey(childPath), keyOffset);
      Object.defineProperty(result, key, { value: this.parseValue(childPath), enumerable: true, writable: true, configurable: true });
      this.skipWhitespace();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
        this.skipWhitespace();
        continue;
      }
      if (next === '}') {
        this.pos++;
        return result;
      }
      this.fail(`expected ',' or '}' after a property value but found ${this.describeHere()}`);
    }
  }

  private parseArray(path: (string | number)[]): unknown[] {
    const result: unknown[] = [];
    this.pos++; // [
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      const childPath = [...path, result.length];
      this.offsets.set(pathKey(childPath), this.pos);
      result.push(this.parseValue(childPath));
      this.skipWhitespace();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
        this.skipWhitespace();
        continue;
      }
      if (next === ']') {
        this.pos++;
        return result;
      }
      this.fail(`expected ',' or ']' after an array element but found ${this.describeHere()}`);
    }
  }

  private parseString(): string {
    const start = this.pos;
    STRING_BODY.lastIndex = start + 1;
    STRING_BODY.exec(this.text);
    const end = STRING_BODY.lastIndex;
    if (this.text[end] !== '"') {
      this.pos = end;
      if (end >= this.text.length) this.fail('unterminated string');
      const ch = this.text.charCodeAt(end);
      if (ch < 0x20) this.fail('control character in a string (write it as an escape such as \\n)');
      this.fail('invalid escape in a string (allowed: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
    }
    this.pos = end + 1;
    return JSON.parse(this.text.slice(start, end + 1)) as string;
  }

  private parseNumber(): number {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) return this.fail(`invalid number`);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private parseLiteral<T>(word: string, value: T): T {
    if (this.text.startsWith(word, this.pos)) {
      this.pos += word.length;
      return value;
    }
    return this.fail(`expected a value but found ${this.describeHere()}`);
  }

  private skipWhitespace(): void {
    for (;;) {
      const ch = this.text.charCodeAt(this.pos);
      if (ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09) this.pos++;
      else return;
    }
  }

  private describeHere(): string {
    if (this.pos >= this.text.length) return 'the end of the file';
    const word = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.pos, this.pos + 32));
    return word ? `'${word[0]}'` : `'${this.text[this.pos]}'`;
  }

  private fail(reason: string): never {
    const { line, column } = this.lines.position(this.pos);
    throw new JsonSyntaxError(reason, line, column);
  }
}
