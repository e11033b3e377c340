import type { Escaper } from './escape';

/**
 * A small Mustache-like template language for notification texts, with mandatory escaping.
 *
 *   {{name}} {{alert.kpi}}      a value, escaped by the template's escaper (HTML, Slack, plain)
 *   {{#name}}…{{/name}}        a list: once per item, the item's fields in scope; a group of values:
 *                               once, its fields in scope; anything else: once when truthy
 *                               (a non-empty string, true, a number other than 0)
 *   {{^name}}…{{/name}}        once when `name` is falsy or an empty list
 *   {{! comment }}
 *
 * Unlike Mustache there is no raw output (`{{{x}}}`, `{{& x}}`), no partials and no delimiter
 * changes: what a template inserts is always escaped. A line holding only a section tag or a comment
 * is dropped whole (Mustache's standalone rule), so plain-text templates keep their layout.
 *
 * Templates are checked against the shape of the values they receive (`TemplateShape`): an unknown
 * name, a list used as a value or a value iterated as a list is an error with line and column when
 * the configuration loads, not an empty hole in a message at 3 a.m.
 *
 * Written by hand because no maintained template library with mandatory escaping and load-time
 * name checking is among the project's dependencies (Handlebars and Mustache both allow raw output).
 */

/** What a template may refer to: plain values, lists of records, nested records. */
export interface TemplateShape {
  readonly [name: string]: 'value' | { readonly list: TemplateShape } | { readonly object: TemplateShape };
}

/** A problem in a template's source, with its 1-based position. */
export interface TemplateProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** A template that failed to compile: every problem, each with its position. */
export class TemplateSyntaxError extends Error {
  constructor(
    readonly templateName: string,
    readonly problems: readonly TemplateProblem[],
  ) {
    super(`template ${templateName}: ${problems.map((p) => `line ${p.line}, column ${p.column}: ${p.message}`).join('; ')}`);
    this.name = 'TemplateSyntaxError';
  }
}

export interface CompiledTemplate {
  readonly name: string;
  render(view: TemplateView): string;
}

/** The values handed to a template: strings, numbers, booleans, records and lists of records. */
export type TemplateValue = string | number | boolean | null | undefined | TemplateView | readonly TemplateValue[];
export interface TemplateView {
  readonly [name: string]: TemplateValue;
}

type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'value'; readonly path: readonly string[]; readonly depth: number }
  | {
      readonly kind: 'section';
      readonly path: readonly string[];
      readonly depth: number;
      readonly inverted: boolean;
      readonly children: readonly Node[];
    };

interface Tag {
  readonly type: 'value' | 'open' | 'inverted' | 'close' | 'comment';
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;
const MAX_TEMPLATE_LENGTH = 64 * 1024;

/**
 * Compiles `source`; throws `TemplateSyntaxError` listing every problem. `name` labels errors
 * (e.g. "templates.email.subject").
 */
export function compileTemplate(
  source: string,
  options: { name: string; escape: Escaper; shape: TemplateShape },
): CompiledTemplate {
  const { nodes, problems } = parseTemplate(source, options.shape);
  if (problems.length > 0) throw new TemplateSyntaxError(options.name, problems);
  const escape = options.escape;
  return {
    name: options.name,
    render: (view) => renderNodes(nodes, [view], escape),
  };
}

/** The problems of `source` against `shape` (empty when it compiles); used by config validation. */
export function checkTemplate(source: string, shape: TemplateShape): TemplateProblem[] {
  return parseTemplate(source, shape).problems;
}

function parseTemplate(source: string, shape: TemplateShape): { nodes: Node[]; problems: TemplateProblem[] } {
  const problems: TemplateProblem[] = [];
  const position = positionFinder(source);
  const report = (offset: number, message: string) => problems.push({ ...position(offset), message });
  if (source.length > MAX_TEMPLATE_LENGTH) {
    report(0, `a template may have at most ${MAX_TEMPLATE_LENGTH} characters (this one has ${source.length})`);
    return { nodes: [], problems };
  }

  const tags = scanTags(source, report);
  const standalone = standaloneSpans(source, tags);

  // Build the tree, checking names against the shape with a stack of scopes.
  interface Frame {
    readonly tag: Tag | undefined;
    readonly depth: number;
    readonly inverted: boolean;
    readonly children: Node[];
    readonly scope: TemplateShape;
  }
  const root: Frame = { tag: undefined, depth: 0, inverted: false, children: [], scope: shape };
  const stack: Frame[] = [root];
  const scopes = (): TemplateShape[] => stack.map((f) => f.scope).reverse();
  let cursor = 0;
  for (const tag of tags) {
    const span = standalone.get(tag) ?? { start: tag.start, end: tag.end };
    const frame = stack[stack.length - 1] as Frame;
    if (span.start > cursor) frame.children.push({ kind: 'text', text: source.slice(cursor, span.start) });
    cursor = span.end;
    if (tag.type === 'comment') continue;
    const path = tag.name.split('.');
    if (tag.type === 'close') {
      if (frame.tag === undefined) {
        report(tag.start, `{{/${tag.name}}} closes a section that was never opened`);
      } else if (frame.tag.name !== tag.name) {
        report(tag.start, `{{/${tag.name}}} does not match the open section {{${frame.inverted ? '^' : '#'}${frame.tag.name}}} (opened at ${describe(position(frame.tag.start))})`);
      } else {
        stack.pop();
        const parent = stack[stack.length - 1] as Frame;
        parent.children.push({ kind: 'section', path, depth: frame.depth, inverted: frame.inverted, children: frame.children });
      }
      continue;
    }
    const { resolved, depth } = resolveShape(path, scopes());
    if (typeof resolved === 'object' && 'problem' in resolved) report(tag.start, resolved.problem);
    if (tag.type === 'value') {
      if (typeof resolved === 'object' && 'kind' in resolved) {
        report(tag.start, `"${tag.name}" is a ${resolved.kind === 'list' ? 'list' : 'group of values'}: use {{#${tag.name}}}…{{/${tag.name}}} and name its fields inside`);
      }
      frame.children.push({ kind: 'value', path, depth });
      continue;
    }
    // Inside an opened list or group the names of its items are in scope, besides the outer ones.
    const inner: TemplateShape = tag.type === 'open' && typeof resolved === 'object' && 'kind' in resolved ? resolved.shape : {};
    stack.push({ tag, depth, inverted: tag.type === 'inverted', children: [], scope: inner });
  }
  const last = stack[stack.length - 1] as Frame;
  if (cursor < source.length) last.children.push({ kind: 'text', text: source.slice(cursor) });
  for (const frame of stack.slice(1)) {
    report((frame.tag as Tag).start, `section {{${frame.inverted ? '^' : '#'}${(frame.tag as Tag).name}}} is never closed: add {{/${(frame.tag as Tag).name}}}`);
  }
  return { nodes: root.children, problems };
}

/** Finds every `{{…}}` tag; reports unterminated tags, raw output and unsupported tag kinds. */
function scanTags(source: string, report: (offset: number, message: string) => void): Tag[] {
  const tags: Tag[] = [];
  let index = 0;
  for (;;) {
    const open = source.indexOf('{{', index);
    if (open < 0) break;
    const close = source.indexOf('}}', open + 2);
    if (close < 0) {
      report(open, 'a tag opened with "{{" is never closed with "}}"');
      break;
    }
    let end = close + 2;
    let body = source.slice(open + 2, close);
    if (body.startsWith('{')) {
      if (source[end] === '}') end += 1;
      report(open, 'raw output {{{…}}} is not allowed: finmon escapes every value it inserts; use {{name}}');
      index = end;
      continue;
    }
    index = end;
    const sigil = body.charAt(0);
    if (sigil === '!') {
      tags.push({ type: 'comment', name: '', start: open, end });
      continue;
    }
    if (sigil === '&') {
      report(open, 'raw output {{&…}} is not allowed: finmon escapes every value it inserts; use {{name}}');
      continue;
    }
    if (sigil === '>' || sigil === '<' || sigil === '=' || sigil === '$') {
      report(open, `"{{${sigil}" (partials, blocks, delimiter changes) is not supported; use {{name}}, {{#name}}, {{^name}}, {{/name}} or {{! comment}}`);
      continue;
    }
    const type: Tag['type'] = sigil === '#' ? 'open' : sigil === '^' ? 'inverted' : sigil === '/' ? 'close' : 'value';
    if (type !== 'value') body = body.slice(1);
    const name = body.trim();
    if (!NAME.test(name)) {
      report(open, name === '' ? 'an empty tag {{}}: give a name, e.g. {{title}}' : `"${name}" is not a name: letters, digits and "_", fields joined by ".", e.g. {{alert.kpi}}`);
      continue;
    }
    tags.push({ type, name, start: open, end });
  }
  return tags;
}

/**
 * Section, close and comment tags alone on their line (only spaces or tabs around them): the span
 * covering the whole line with its line break, so the tag leaves no blank line behind.
 */
function standaloneSpans(source: string, tags: readonly Tag[]): Map<Tag, { start: number; end: number }> {
  const spans = new Map<Tag, { start: number; end: number }>();
  tags.forEach((tag, i) => {
    if (tag.type === 'value') return;
    const lineStart = source.lastIndexOf('\n', tag.start - 1) + 1;
    const nextBreak = source.indexOf('\n', tag.end);
    const lineEnd = nextBreak < 0 ? source.length : nextBreak;
    const previous = tags[i - 1];
    const next = tags[i + 1];
    if (previous !== undefined && previous.end > lineStart) return;
    if (next !== undefined && next.start < lineEnd) return;
    if (!/^[ \t]*$/.test(source.slice(lineStart, tag.start))) return;
    const after = source.slice(tag.end, lineEnd);
    if (!/^[ \t]*\r?$/.test(after)) return;
    spans.set(tag, { start: lineStart, end: nextBreak < 0 ? source.length : nextBreak + 1 });
  });
  return spans;
}

type Resolved = 'value' | { readonly kind: 'list' | 'object'; readonly shape: TemplateShape } | { readonly problem: string };

/**
 * What `path` names, looking its first name up from the innermost scope outwards, and how many
 * scopes out it was found (rendering reads the value from exactly that scope).
 */
function resolveShape(path: readonly string[], scopes: readonly TemplateShape[]): { resolved: Resolved; depth: number } {
  const [head, ...rest] = path as [string, ...string[]];
  for (const [depth, scope] of scopes.entries()) {
    const entry = Object.prototype.hasOwnProperty.call(scope, head) ? scope[head] : undefined;
    if (entry !== undefined) return { resolved: resolveRest(entry, rest, head), depth };
  }
  const known = [...new Set(scopes.flatMap((s) => Object.keys(s)))].sort();
  return { resolved: { problem: `unknown name "${head}"; known here: ${known.join(', ')}` }, depth: 0 };
}

function resolveRest(entry: TemplateShape[string], rest: readonly string[], head: string): Resolved {
  let current = entry;
  let where = head;
  for (const field of rest) {
    if (typeof current === 'string' || 'list' in current) {
      return { problem: `"${where}" has no fields, so "${where}.${field}" does not exist` };
    }
    const next: TemplateShape[string] | undefined = Object.prototype.hasOwnProperty.call(current.object, field)
      ? current.object[field]
      : undefined;
    if (next === undefined) {
      return { problem: `unknown field "${field}" of "${where}"; known: ${Object.keys(current.object).sort().join(', ')}` };
    }
    current = next;
    where = `${where}.${field}`;
  }
  if (current === 'value') return 'value';
  return 'list' in current ? { kind: 'list', shape: current.list } : { kind: 'object', shape: current.object };
}

/** Every section pushes one context (the item, the group, or an empty one), as parsing pushed a scope. */
const NO_FIELDS: TemplateView = Object.freeze({});

function renderNodes(nodes: readonly Node[], stack: readonly TemplateValue[], escape: Escaper): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') {
      out += node.text;
    } else if (node.kind === 'value') {
      out += escape(display(lookup(node, stack)));
    } else {
      const value = lookup(node, stack);
      if (node.inverted) {
        if (!truthy(value)) out += renderNodes(node.children, [NO_FIELDS, ...stack], escape);
      } else if (Array.isArray(value)) {
        for (const item of value as readonly TemplateValue[]) {
          out += renderNodes(node.children, [isRecord(item) ? item : NO_FIELDS, ...stack], escape);
        }
      } else if (truthy(value)) {
        out += renderNodes(node.children, [isRecord(value) ? value : NO_FIELDS, ...stack], escape);
      }
    }
  }
  return out;
}

function lookup(node: { path: readonly string[]; depth: number }, stack: readonly TemplateValue[]): TemplateValue {
  let value: TemplateValue = stack[node.depth];
  for (const field of node.path) {
    if (!isRecord(value) || !Object.prototype.hasOwnProperty.call(value, field)) return undefined;
    value = value[field];
  }
  return value;
}

function isRecord(value: TemplateValue): value is TemplateView {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function truthy(value: TemplateValue): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null && value !== false && value !== '' && value !== 0;
}

function display(value: TemplateValue): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : '';
  return '';
}

function positionFinder(source: string): (offset: number) => { line: number; column: number } {
  return (offset) => {
    const before = source.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - (before.lastIndexOf('\n') + 1) + 1;
    return { line, column };
  };
}

function describe(p: { line: number; column: number }): string {
  return `line ${p.line}, column ${p.column}`;
}
