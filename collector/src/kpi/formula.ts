import jsep from 'jsep';
import { durationMs } from '../config/kpi-schema';
import { ErrorCodes, FinmonError } from '../core/errors';

/**
 * The formula language of derived KPIs (see the shared brief):
 *
 *   numbers, + - * /, unary -, parentheses, < <= > >= == !=, c ? a : b,
 *   latest(k) | k, sum(k, "30d"), avg(k, "365d"), min(a, …), max(a, …), abs(x)
 *
 * Parsing uses jsep. jsep's grammar is a superset (member access, arrays, `this`, `!`, `%`, `&&`,
 * compound statements, …); instead of mutating jsep's process-wide operator tables, this module
 * registers a `gobble-token` hook that is active only while `parseFormula` runs. The hook parses
 * every token itself (number, string, identifier, call, group, unary minus) and, after each token,
 * checks that what follows is an operator of the language, so anything else is rejected where it
 * appears, with its 1-based column.
 *
 * A parsed formula is compiled once into a tree of closures. Inside evaluation NaN means
 * "no value" and propagates through every operation (comparisons and the ternary too), division by
 * zero yields NaN, and `evaluate` turns any non-finite result into `undefined`.
 */

/** Where a formula reads KPI data. NaN means "no data" and makes the evaluation produce no value. */
export interface FormulaDataSource {
  /** The KPI's current total as of `asOf` (stock: sum of series' latest; rate: mean; flow: sum). */
  latest(kpi: string, asOf: number): number;
  /** Sum of the KPI's values with time in (asOf − windowMs, asOf], all series. */
  sum(kpi: string, windowMs: number, asOf: number): number;
  /** Mean of the KPI's daily totals over the days of (asOf − windowMs, asOf] that have data. */
  avg(kpi: string, windowMs: number, asOf: number): number;
}

/** A window function call found in a formula, e.g. sum(revenue, "90d"). */
export interface FormulaWindow {
  readonly fn: 'sum' | 'avg';
  readonly kpi: string;
  readonly windowMs: number;
}

/** A parsed and compiled formula. */
export interface Formula {
  /** The source text. */
  readonly text: string;
  /** KPI ids referenced, in order of first appearance, without duplicates. */
  readonly dependencies: readonly string[];
  /** Every sum()/avg() call, so the engine knows how much history each input needs. */
  readonly windows: readonly FormulaWindow[];
  /** Evaluates at `asOf` (epoch ms); `undefined` when an input is missing or the result is not finite. */
  evaluate(source: FormulaDataSource, asOf: number): number | undefined;
}

type Compiled = (src: FormulaDataSource, asOf: number) => number;

const ALLOWED_BINARY = new Set(['+', '-', '*', '/', '<', '<=', '>', '>=', '==', '!=']);
/** Operators jsep knows but the language does not, longest first so `===` wins over `==`. */
const REJECTED_OPERATORS = ['>>>', '===', '!==', '**', '&&', '||', '??', '<<', '>>', '?.', '%', '&', '|', '^', '=', '!', ';'];
const FUNCTIONS = new Set(['latest', 'sum', 'avg', 'min', 'max', 'abs']);
const RESERVED_WORDS = new Set(['this', 'true', 'false', 'null', 'undefined', 'new', 'typeof']);

/** Start column (0-based index) of nodes built while parsing, for semantic errors after parsing. */
let positions = new WeakMap<jsep.Expression, number>();
let hookActive = false;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

/**
 * After a complete token: the next non-space text must be the end, a closing/separating
 * character of the grammar, or an allowed binary operator.
 */
function checkFollower(scope: jsep.HookScope): void {
  scope.gobbleSpaces();
  const rest = scope.expr.slice(scope.index, scope.index + 3);
  if (rest.length === 0) return;
  const c = rest[0]!;
  if (c === '.') scope.throwError('member access (".") is not allowed');
  if (c === '[') scope.throwError('indexing ("[") is not allowed');
  if (c === '(') scope.throwError('only the functions latest, sum, avg, min, max and abs can be called');
  for (const op of REJECTED_OPERATORS) {
    if (!rest.startsWith(op)) continue;
    if (op === '?.' && isDigit(rest.charCodeAt(2))) break; // `c ?.5 : 1` is a ternary
    // `==`, `!=`, `<=`, `>=` are allowed; `=`/`!` only match here when not part of one of them.
    if ((op === '=' || op === '!') && rest[1] === '=') break;
    if (op === '=') scope.throwError('assignment ("=") is not allowed; compare with "=="');
    if (op === '!') scope.throwError('operator "!" is not allowed');
    if (op === ';') scope.throwError('";" is not allowed: a formula is a single expression');
    scope.throwError(`operator "${op}" is not allowed`);
  }
  if ('+-*/<>=!?:,)'.includes(c)) return;
  scope.throwError(`expected an operator, found "${c}"`);
}

/** Parses one token of the language at the current index; undefined when none starts here. */
function gobbleFormulaToken(scope: jsep.HookScope): jsep.Expression | undefined {
  const start = scope.index;
  const code = scope.code;
  let node: jsep.Expression | undefined;
  if (isDigit(code) || code === 46 /* . */) {
    node = scope.gobbleNumericLiteral();
  } else if (code === 34 || code === 39) {
    node = scope.gobbleStringLiteral();
  } else if (code === 45 /* - */) {
    scope.index++;
    const argument = scope.gobbleToken();
    if (!argument) scope.throwError('expected an expression after unary "-"');
    node = { type: 'UnaryExpression', operator: '-', argument, prefix: true };
    positions.set(node, start);
    return node; // the operand already checked what follows
  } else if (code === 43 /* + */) {
    scope.throwError('unary "+" is not allowed');
  } else if (code === 33 /* ! */ || code === 126 /* ~ */) {
    scope.throwError(`operator "${scope.char}" is not allowed`);
  } else if (code === 91 /* [ */) {
    scope.throwError('arrays are not allowed');
  } else if (code === 40 /* ( */) {
    const group = scope.gobbleGroup() as jsep.Expression | false;
    if (!group) {
      scope.index = start;
      scope.throwError('empty parentheses');
    }
    if (group.type === 'SequenceExpression') {
      scope.index = start;
      scope.throwError('a "," list is only allowed as function arguments');
    }
    node = group;
  } else if (isIdentStart(code)) {
    const id = scope.gobbleIdentifier() as jsep.Identifier;
    if (RESERVED_WORDS.has(id.name)) {
      scope.index = start;
      scope.throwError(`"${id.name}" is not allowed`);
    }
    node = id;
    scope.gobbleSpaces();
    if (scope.code === 40 /* ( */) {
      scope.index++;
      const args = scope.gobbleArguments(41 /* ) */) as unknown as jsep.Expression[];
      node = { type: 'CallExpression', callee: id, arguments: args };
    }
  } else {
    return undefined;
  }
  positions.set(node!, start);
  checkFollower(scope);
  return node;
}

function ensureHookRegistered(): void {
  if (registered) return;
  registered = true;
  jsep.hooks.add('gobble-token', function formulaToken(env) {
    if (!hookActive) return;
    const node = gobbleFormulaToken(this);
    if (node) env.node = node;
  });
}
let registered = false;

/** Position (0-based) of a node: its own, or that of its leftmost part. */
function positionOf(node: jsep.Expression): number {
  const own = positions.get(node);
  if (own !== undefined) return own;
  const left = (node.left ?? node.test ?? node.argument) as jsep.Expression | undefined;
  return left ? positionOf(left) : 0;
}

function invalid(text: string, message: string, index: number): FinmonError {
  return new FinmonError(
    ErrorCodes.FORMULA_INVALID,
    `invalid formula "${text}": ${message} at column ${index + 1}`,
    400,
  );
}

/** Parses with jsep under the language's restrictions; throws FORMULA_INVALID with a column. */
function parseAst(text: string): jsep.Expression {
  if (text.trim() === '') throw invalid(text, 'the formula is empty', 0);
  ensureHookRegistered();
  positions = new WeakMap();
  hookActive = true;
  let ast: jsep.Expression;
  try {
    ast = jsep(text);
  } catch (err) {
    if (err instanceof FinmonError) throw err;
    const e = err as { description?: string; index?: number; message?: string };
    throw invalid(text, e.description ?? String(e.message), e.index ?? 0);
  } finally {
    hookActive = false;
  }
  if (ast.type === 'Compound') {
    const body = ast.body as jsep.Expression[];
    const second = body[1];
    throw invalid(text, 'a formula is a single expression', second ? positionOf(second) : 0);
  }
  return ast;
}

interface CompileState {
  readonly text: string;
  readonly deps: string[];
  readonly windows: FormulaWindow[];
}

function addDependency(state: CompileState, kpi: string): void {
  if (!state.deps.includes(kpi)) state.deps.push(kpi);
}

/** NaN unless both operands are finite; keeps "no value" flowing through comparisons. */
function compare(a: number, b: number, result: boolean): number {
  return Number.isFinite(a) && Number.isFinite(b) ? (result ? 1 : 0) : NaN;
}

function compileNode(node: jsep.Expression, st: CompileState): Compiled {
  switch (node.type) {
    case 'Literal': {
      const value = (node as jsep.Literal).value;
      if (typeof value !== 'number') {
        throw invalid(st.text, 'a string is only allowed as the window of sum() or avg()', positionOf(node));
      }
      return () => value;
    }
    case 'Identifier': {
      const kpi = (node as jsep.Identifier).name;
      addDependency(st, kpi);
      return (src, asOf) => src.latest(kpi, asOf);
    }
    case 'UnaryExpression': {
      const arg = compileNode((node as jsep.UnaryExpression).argument, st);
      return (src, asOf) => -arg(src, asOf);
    }
    case 'BinaryExpression':
      return compileBinary(node as jsep.BinaryExpression, st);
    case 'ConditionalExpression': {
      const c = node as jsep.ConditionalExpression;
      const test = compileNode(c.test, st);
      const yes = compileNode(c.consequent, st);
      const no = compileNode(c.alternate, st);
      return (src, asOf) => {
        const t = test(src, asOf);
        if (!Number.isFinite(t)) return NaN;
        return t !== 0 ? yes(src, asOf) : no(src, asOf);
      };
    }
    case 'CallExpression':
      return compileCall(node as jsep.CallExpression, st);
    default:
      throw invalid(st.text, `${node.type} is not allowed`, positionOf(node));
  }
}

function compileBinary(node: jsep.BinaryExpression, st: CompileState): Compiled {
  if (!ALLOWED_BINARY.has(node.operator)) {
    throw invalid(st.text, `operator "${node.operator}" is not allowed`, positionOf(node.right));
  }
  const l = compileNode(node.left, st);
  const r = compileNode(node.right, st);
  switch (node.operator) {
    case '+':
      return (s, t) => l(s, t) + r(s, t);
    case '-':
      return (s, t) => l(s, t) - r(s, t);
    case '*':
      return (s, t) => l(s, t) * r(s, t);
    case '/':
      return (s, t) => {
        const d = r(s, t);
        return d === 0 ? NaN : l(s, t) / d;
      };
    case '<':
      return (s, t) => {
        const a = l(s, t), b = r(s, t);
        return compare(a, b, a < b);
      };
    case '<=':
      return (s, t) => {
        const a = l(s, t), b = r(s, t);
        return compare(a, b, a <= b);
      };
    case '>':
      return (s, t) => {
        const a = l(s, t), b = r(s, t);
        return compare(a, b, a > b);
      };
    case '>=':
      return (s, t) => {
        const a = l(s, t), b = r(s, t);
        return compare(a, b, a >= b);
      };
    case '==':
      return (s, t) => {
        const a = l(s, t), b = r(s, t);
        return compare(a, b, a === b);
      };
    default: // '!='
      return (s, t) => {
        const a = l(s, t), b = r(s, t);
        return compare(a, b, a !== b);
      };
  }
}

function kpiArgument(node: jsep.Expression | undefined, fn: string, st: CompileState, at: number): string {
  if (!node || node.type !== 'Identifier') {
    throw invalid(st.text, `${fn}() expects a KPI id as its first argument`, node ? positionOf(node) : at);
  }
  const kpi = (node as jsep.Identifier).name;
  addDependency(st, kpi);
  return kpi;
}

function compileCall(node: jsep.CallExpression, st: CompileState): Compiled {
  const at = positionOf(node);
  const callee = node.callee as jsep.Identifier;
  const fn = callee.name;
  const args = node.arguments;
  if (!FUNCTIONS.has(fn)) {
    throw invalid(st.text, `unknown function "${fn}" (known: latest, sum, avg, min, max, abs)`, at);
  }
  switch (fn) {
    case 'latest': {
      if (args.length !== 1) throw invalid(st.text, 'latest() takes exactly one KPI id', at);
      const kpi = kpiArgument(args[0], fn, st, at);
      return (src, asOf) => src.latest(kpi, asOf);
    }
    case 'sum':
    case 'avg': {
      if (args.length !== 2) throw invalid(st.text, `${fn}() takes a KPI id and a window such as "30d"`, at);
      const kpi = kpiArgument(args[0], fn, st, at);
      const w = args[1]!;
      const literal = w.type === 'Literal' ? (w as jsep.Literal).value : undefined;
      if (typeof literal !== 'string') {
        throw invalid(st.text, `${fn}() expects a quoted window such as "30d" as its second argument`, positionOf(w));
      }
      let windowMs: number;
      try {
        windowMs = durationMs(literal);
      } catch {
        throw invalid(st.text, `"${literal}" is not a window such as "30d", "12h" or "1w"`, positionOf(w));
      }
      st.windows.push({ fn, kpi, windowMs });
      return fn === 'sum'
        ? (src, asOf) => src.sum(kpi, windowMs, asOf)
        : (src, asOf) => src.avg(kpi, windowMs, asOf);
    }
    case 'abs': {
      if (args.length !== 1) throw invalid(st.text, 'abs() takes exactly one argument', at);
      const x = compileNode(args[0]!, st);
      return (src, asOf) => Math.abs(x(src, asOf));
    }
    default: {
      // min, max: NaN in any argument makes the result NaN (Math.min/max propagate it).
      if (args.length === 0) throw invalid(st.text, `${fn}() needs at least one argument`, at);
      const parts = args.map((a) => compileNode(a, st));
      const pick = fn === 'min' ? Math.min : Math.max;
      return (src, asOf) => {
        let acc = parts[0]!(src, asOf);
        for (let i = 1; i < parts.length; i++) acc = pick(acc, parts[i]!(src, asOf));
        return acc;
      };
    }
  }
}

/**
 * Parses and compiles a derived KPI's formula.
 *
 * Example: `parseFormula('latest(accounts_receivable) / sum(revenue, "90d") * 90')`.
 * Complexity O(length of text). Throws `FinmonError(FORMULA_INVALID)` naming what is wrong and its
 * 1-based column, for bad syntax, syntax outside the language, unknown functions, wrong arguments.
 */
export function parseFormula(text: string): Formula {
  const ast = parseAst(text);
  const state: CompileState = { text, deps: [], windows: [] };
  const root = compileNode(ast, state);
  return Object.freeze({
    text,
    dependencies: Object.freeze(state.deps),
    windows: Object.freeze(state.windows),
    evaluate(source: FormulaDataSource, asOf: number): number | undefined {
      const v = root(source, asOf);
      return Number.isFinite(v) ? v : undefined;
    },
  });
}

/**
 * KPI ids a formula references (in order of first appearance, no duplicates), for config
 * validation. Throws `FinmonError(FORMULA_INVALID)` exactly as `parseFormula` does.
 */
export function formulaDependencies(text: string): string[] {
  return [...parseFormula(text).dependencies];
}
