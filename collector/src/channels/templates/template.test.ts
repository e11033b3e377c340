import fc from 'fast-check';
import { escapeHtml, escapeSlackMrkdwn, plainLine, plainText } from './escape';
import { checkTemplate, compileTemplate, TemplateSyntaxError, type TemplateShape, type TemplateView } from './template';

const SHAPE: TemplateShape = {
  title: 'value',
  count: 'value',
  flag: 'value',
  items: { list: { name: 'value', value: 'value' } },
  group: { object: { inner: 'value', rows: { list: { cell: 'value' } } } },
};

const html = (source: string, view: TemplateView) => compileTemplate(source, { name: 't', escape: escapeHtml, shape: SHAPE }).render(view);
const plain = (source: string, view: TemplateView) => compileTemplate(source, { name: 't', escape: plainText, shape: SHAPE }).render(view);

describe('compileTemplate rendering', () => {
  it('inserts values, escaping each with the template escaper', () => {
    expect(html('<b>{{title}}</b> {{count}}', { title: '<i>"A" & \'B\'</i>', count: 3 })).toBe(
      '<b>&lt;i&gt;&quot;A&quot; &amp; &#39;B&#39;&lt;/i&gt;</b> 3',
    );
  });

  it('allows spaces inside the braces and renders missing or null values as nothing', () => {
    expect(plain('[{{ title }}][{{count}}]', { title: 'x', count: null })).toBe('[x][]');
    expect(plain('[{{title}}]', {})).toBe('[]');
  });

  it('renders a list section once per item with the item fields in scope, outer names still visible', () => {
    const view = { title: 'T', items: [{ name: 'a', value: 1 }, { name: 'b', value: 2 }] };
    expect(plain('{{#items}}{{name}}={{value}} of {{title}};{{/items}}', view)).toBe('a=1 of T;b=2 of T;');
  });

  it('reads an item field only from the item, never from an outer value of the same name', () => {
    const shape: TemplateShape = { name: 'value', items: { list: { name: 'value' } } };
    const t = compileTemplate('{{#items}}[{{name}}]{{/items}}', { name: 't', escape: plainText, shape });
    // The second item has no name: it must render empty, not the outer "outer".
    expect(t.render({ name: 'outer', items: [{ name: 'a' }, {}] })).toBe('[a][]');
  });

  it('renders a group section with its fields, and nested lists inside it', () => {
    const view = { group: { inner: 'I', rows: [{ cell: 1 }, { cell: 2 }] } };
    expect(plain('{{#group}}{{inner}}:{{#rows}}{{cell}},{{/rows}}{{/group}} {{group.inner}}', view)).toBe('I:1,2, I');
  });

  it.each([
    ['a non-empty string', 'truthy', 'x'],
    ['true', 'truthy', true],
    ['a positive number', 'truthy', 2],
    ['a negative number', 'truthy', -1],
    ['zero', 'falsy', 0],
    ['an empty string', 'falsy', ''],
    ['false', 'falsy', false],
    ['null', 'falsy', null],
    ['undefined', 'falsy', undefined],
  ])('treats %s as %s in sections and inverted sections', (_what, truthiness, flag) => {
    expect(plain('{{#flag}}yes{{/flag}}{{^flag}}no{{/flag}}', { flag })).toBe(truthiness === 'truthy' ? 'yes' : 'no');
  });

  it('treats an empty list as false', () => {
    expect(plain('{{#items}}x{{/items}}{{^items}}none{{/items}}', { items: [] })).toBe('none');
  });

  it('drops lines holding only a section tag or a comment, keeping the layout of plain text', () => {
    const source = 'Title: {{title}}\n{{! a comment }}\n{{#items}}\n- {{name}}\n{{/items}}\n  {{^items}}  \nnothing\n{{/items}}\nend\n';
    expect(plain(source, { title: 'T', items: [{ name: 'a' }, { name: 'b' }] })).toBe('Title: T\n- a\n- b\nend\n');
    expect(plain(source, { title: 'T', items: [] })).toBe('Title: T\nnothing\nend\n');
  });

  it('keeps tags sharing a line with text inline', () => {
    expect(plain('a {{#flag}}b{{/flag}} c\n', { flag: true })).toBe('a b c\n');
  });

  it('never lets an inserted value open a tag', () => {
    expect(plain('{{title}}', { title: '{{#items}}{{name}}{{/items}}' })).toBe('{{#items}}{{name}}{{/items}}');
  });

  it('escapes whatever text is inserted (property: no raw markup survives)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const out = html('<p>{{title}}</p>{{#items}}<i>{{name}}</i>{{/items}}', { title: a, items: [{ name: b }] });
        const inner = out.slice('<p>'.length, out.indexOf('</p>'));
        return !/[<>"']/.test(inner) && inner === escapeHtml(a) && out.endsWith(`<i>${escapeHtml(b)}</i>`);
      }),
    );
  });
});

describe('compileTemplate errors', () => {
  const problems = (source: string) => checkTemplate(source, SHAPE).map((p) => `${p.line}:${p.column} ${p.message}`);

  it.each([
    ['an unknown name, listing the known ones', 'Hi {{titel}}', /^1:4 unknown name "titel"; known here: count, flag, group, items, title$/],
    ['an unknown field', '{{group.outer}}', /^1:1 unknown field "outer" of "group"; known: inner, rows$/],
    ['a field of a plain value', '{{title.x}}', /^1:1 "title" has no fields/],
    ['a list inserted as a value', '{{items}}', /"items" is a list: use \{\{#items\}\}…\{\{\/items\}\}/],
    ['raw output with triple braces', '{{{title}}}', /raw output \{\{\{…\}\}\} is not allowed/],
    ['raw output with &', '{{& title}}', /raw output \{\{&…\}\} is not allowed/],
    ['a partial', '{{> footer}}', /partials, blocks, delimiter changes/],
    ['a delimiter change', '{{=<% %>=}}', /not supported/],
    ['an unclosed tag', 'a {{title', /^1:3 a tag opened with "\{\{" is never closed/],
    ['an empty tag', '{{ }}', /an empty tag/],
    ['a bad name', '{{ti tle}}', /"ti tle" is not a name/],
    ['an unclosed section', '{{#items}}\nx', /^1:1 section \{\{#items\}\} is never closed: add \{\{\/items\}\}$/],
    ['a stray close', 'x{{/items}}', /^1:2 \{\{\/items\}\} closes a section that was never opened$/],
    ['a mismatched close', '{{#items}}\n{{/group}}', /^2:1 \{\{\/group\}\} does not match the open section \{\{#items\}\} \(opened at line 1, column 1\)$/],
    ['a list item field used outside its list', '{{#items}}{{/items}}{{name}}', /unknown name "name"/],
  ])('reports %s with its position', (_what, source, expected) => {
    const found = problems(source);
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((p) => expected.test(p))).toBe(true);
  });

  it('reports every problem at once and names the template when compiling', () => {
    expect(() => compileTemplate('{{a}}\n{{b}}', { name: 'templates.sms.text', escape: plainText, shape: SHAPE })).toThrow(
      new TemplateSyntaxError('templates.sms.text', [
        { line: 1, column: 1, message: 'unknown name "a"; known here: count, flag, group, items, title' },
        { line: 2, column: 1, message: 'unknown name "b"; known here: count, flag, group, items, title' },
      ]),
    );
  });

  it('rejects a template longer than 64 KiB', () => {
    expect(problems('x'.repeat(70_000))[0]).toMatch(/at most 65536 characters/);
  });

  it('accepts a well-formed template', () => {
    expect(problems('{{#group}}{{#rows}}{{cell}} {{inner}} {{title}}{{/rows}}{{/group}}{{^flag}}-{{/flag}}')).toEqual([]);
  });
});

describe('escapers', () => {
  it('escapeHtml covers the five characters HTML needs', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('escapeSlackMrkdwn turns & < > into entities so no link, mention or <!channel> can form', () => {
    expect(escapeSlackMrkdwn('<!channel> <@U123> <http://x|y> a&b')).toBe('&lt;!channel&gt; &lt;@U123&gt; &lt;http://x|y&gt; a&amp;b');
  });

  it('plainText removes control, zero-width and bidi-override characters but keeps line breaks', () => {
    expect(plainText('a\u0000b\u0007c\u202Ed\u200Be\nf\tg\u0085')).toBe('abcde\nf\tg');
  });

  it('plainLine also folds line breaks and tabs into single spaces', () => {
    expect(plainLine('Subject\r\nBcc: evil@example.com\n\tx')).toBe('Subject Bcc: evil@example.com x');
  });
});
