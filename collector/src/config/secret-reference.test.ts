import { ErrorCodes } from '../core/errors';
import { isSecretReference, resolveSecretReference, secretReferenceSchema, type SecretSources } from './secret-reference';

const sources: SecretSources = {
  env: { SMTP_PASSWORD: 's3cret', EMPTY: '' },
  readFile: (path) => {
    if (path === '/run/secrets/token') return 'tok-123\n';
    if (path === '/run/secrets/empty') return '\n';
    throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
  },
};

describe('secret references', () => {
  it.each(['env:SMTP_PASSWORD', 'env:_X1', 'file:/run/secrets/smtp_password', 'file:/etc/finmon/token.txt'])('%s is a reference', (ref) => {
    expect(isSecretReference(ref)).toBe(true);
    expect(secretReferenceSchema.safeParse(ref).success).toBe(true);
  });

  it.each(['hunter2', 'env:', 'env:1ABC', 'env:A-B', 'file:relative/path', 'file:/', 'file:/dir/', '${SMTP_PASSWORD}'])(
    'rejects %j as a literal secret',
    (value) => {
      const issue = secretReferenceSchema.safeParse(value).error?.issues[0];
      expect(issue?.message).toMatch(/^literal secrets are not allowed in configuration files: give a reference, "env:NAME"/);
    },
  );

  it('never repeats the rejected value', () => {
    const result = secretReferenceSchema.safeParse('hunter2-Secret!');
    expect(JSON.stringify(result.error?.issues)).not.toContain('hunter2');
  });

  it('rejects a number with the same message', () => {
    expect(secretReferenceSchema.safeParse(123456).error?.issues[0]?.message).toMatch(/^literal secrets are not allowed/);
  });

  it('resolves an environment variable', () => {
    expect(resolveSecretReference('env:SMTP_PASSWORD', sources)).toBe('s3cret');
  });

  it('resolves a file without its trailing newline', () => {
    expect(resolveSecretReference('file:/run/secrets/token', sources)).toBe('tok-123');
  });

  it.each([
    ['env:MISSING', 'secret env:MISSING: environment variable MISSING is not set or empty'],
    ['env:EMPTY', 'secret env:EMPTY: environment variable EMPTY is not set or empty'],
    ['file:/run/secrets/nope', 'secret file:/run/secrets/nope: cannot read /run/secrets/nope (ENOENT)'],
    ['file:/run/secrets/empty', 'secret file:/run/secrets/empty: /run/secrets/empty is empty'],
    ['plain', 'not a secret reference: expected "env:NAME" or "file:/path"'],
  ])('fails on %s with CONFIG_INVALID naming where, not what', (ref, message) => {
    expect(() => resolveSecretReference(ref, sources)).toThrow(expect.objectContaining({ code: ErrorCodes.CONFIG_INVALID, message }));
  });
});
