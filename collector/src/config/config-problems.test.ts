import { describePath, formatProblem, formatProblems, makeProblem } from './config-problems';

describe('describePath', () => {
  const data = {
    kpis: [{ id: 'cash' }, { id: 'revenue', rules: [{ type: 'static' }, { id: 'r-1' }] }],
    'odd key': { 'a.b': [1] },
  };

  it.each([
    [['kpis', 1, 'rules', 0, 'above'], 'kpis[1] (id "revenue").rules[0].above'],
    [['kpis', 1, 'rules', 1, 'id'], 'kpis[1] (id "revenue").rules[1] (id "r-1").id'],
    [['kpis', 7, 'id'], 'kpis[7].id'],
    [['odd key', 'a.b', 0], '["odd key"]["a.b"][0]'],
    [[], ''],
  ])('%j reads %s', (path, text) => {
    expect(describePath(data, path)).toBe(text);
  });
});

describe('formatting problems', () => {
  it('puts file, line and column, path and message on one line', () => {
    const problem = makeProblem('m.json', { a: 1 }, ['a'], 'expected a string', () => ({ line: 3, column: 5 }));
    expect(formatProblem(problem)).toBe('m.json:3:5: a: expected a string');
  });

  it('leaves the position out when it is unknown', () => {
    expect(formatProblem(makeProblem('m.json', {}, [], 'malformed'))).toBe('m.json: malformed');
  });

  it('summarises with the count, then one indented line per problem', () => {
    const p = makeProblem('f', {}, ['x'], 'bad');
    expect(formatProblems('config f is invalid', [p])).toBe('config f is invalid (1 problem):\n  f: x: bad');
    expect(formatProblems('config f is invalid', [p, p]).split('\n')).toHaveLength(3);
  });
});
