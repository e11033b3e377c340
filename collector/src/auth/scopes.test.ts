import { ErrorCodes } from '../core/errors';
import { grantsScope, isScope, normalizeScopes, type Scope } from './scopes';

describe('grantsScope', () => {
  it.each<[Scope[], Scope, boolean]>([
    [['ingest'], 'ingest', true],
    [['ingest'], 'read', false],
    [['ingest'], 'admin', false],
    [['read'], 'read', true],
    [['read'], 'ingest', false],
    [['ingest', 'read'], 'admin', false],
    [['admin'], 'ingest', true],
    [['admin'], 'read', true],
    [['admin'], 'admin', true],
    [[], 'read', false],
  ])('%j requiring %s → %s', (held, required, granted) => {
    expect(grantsScope(held, required)).toBe(granted);
  });
});

describe('isScope', () => {
  it('knows the four scopes and nothing else', () => {
    expect(['ingest', 'read', 'respond', 'admin'].every(isScope)).toBe(true);
    expect(['Admin', 'write', '', 'admin '].some(isScope)).toBe(false);
  });
});

describe('normalizeScopes', () => {
  it('deduplicates and orders scopes canonically', () => {
    expect(normalizeScopes(['admin', 'read', 'admin', 'respond', 'ingest'])).toEqual(['ingest', 'read', 'respond', 'admin']);
  });

  it('rejects an empty list and an unknown scope with a 400 naming it', () => {
    expect(() => normalizeScopes([])).toThrow(expect.objectContaining({ code: ErrorCodes.REQUEST_INVALID, httpStatus: 400 }));
    expect(() => normalizeScopes(['read', 'write'])).toThrow(/unknown scope "write"/);
  });
});
