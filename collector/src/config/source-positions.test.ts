import { LineCounter, parseDocument } from 'yaml';
import { LineIndex, yamlPathLocator } from './source-positions';

describe('LineIndex', () => {
  it('turns offsets into 1-based lines and columns', () => {
    const index = new LineIndex('ab\ncde\n\nf');
    expect(index.position(0)).toEqual({ line: 1, column: 1 });
    expect(index.position(2)).toEqual({ line: 1, column: 3 });
    expect(index.position(3)).toEqual({ line: 2, column: 1 });
    expect(index.position(7)).toEqual({ line: 3, column: 1 });
    expect(index.position(8)).toEqual({ line: 4, column: 1 });
  });
});

describe('yamlPathLocator', () => {
  const text = ['version: 1', 'recipients:', '  - id: cfo', '    channels:', '      email: a@b.example', '  - id: ceo', '    roles: [x, y]', ''].join('\n');
  const lineCounter = new LineCounter();
  const locate = yamlPathLocator(parseDocument(text, { lineCounter }), lineCounter);

  it.each([
    [['version'], 1, 1],
    [['recipients', 0], 3, 5],
    [['recipients', 0, 'channels', 'email'], 5, 7],
    [['recipients', 1, 'roles', 1], 7, 16],
  ])('locates %j at line %i, column %i', (path, line, column) => {
    expect(locate(path)).toEqual({ line, column });
  });

  it('locates a missing path at its deepest existing parent', () => {
    expect(locate(['recipients', 1, 'timezone'])).toEqual({ line: 6, column: 5 });
    expect(locate(['recipients', 5])).toEqual({ line: 2, column: 1 });
  });
});
