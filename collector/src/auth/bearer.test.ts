import fc from 'fast-check';
import { ErrorCodes, FinmonError } from '../core/errors';
import { parseBearer } from './bearer';

const TOKEN = 'fm_0123456789ab_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA';

describe('parseBearer', () => {
  it.each([
    `Bearer ${TOKEN}`,
    `bearer ${TOKEN}`,
    `BEARER    ${TOKEN}`,
    `  Bearer ${TOKEN}  `,
    `Bearer\t${TOKEN}`,
  ])('reads the token from %j', (header) => {
    expect(parseBearer(header)).toBe(TOKEN);
  });

  it.each([
    [undefined, 'no Authorization header'],
    ['', 'no Authorization header'],
    ['   ', 'no Authorization header'],
    [['Bearer a', 'Bearer b'], 'more than one'],
    ['Bearer', 'Bearer <token>'],
    ['Bearer   ', 'Bearer <token>'],
    [`Basic ${TOKEN}`, 'Bearer scheme'],
    [TOKEN, 'Bearer scheme'],
    [`Bearer ${TOKEN} extra`, 'one token'],
  ])('rejects %j as AUTH_MISSING (%s)', (header, fragment) => {
    let caught: unknown;
    try {
      parseBearer(header);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FinmonError);
    expect(caught).toMatchObject({ code: ErrorCodes.AUTH_MISSING, httpStatus: 401 });
    expect((caught as Error).message).toContain(fragment);
    expect((caught as Error).message).not.toContain(TOKEN);
  });

  it('either returns a token without spaces or throws AUTH_MISSING that never repeats the header', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 8 }), (scheme, secret) => {
        const header = `${scheme} ${secret}`;
        try {
          const token = parseBearer(header);
          return token.length > 0 && !/\s/.test(token);
        } catch (error) {
          return (
            error instanceof FinmonError &&
            error.code === ErrorCodes.AUTH_MISSING &&
            (secret.trim().length < 8 || !error.message.includes(secret.trim()))
          );
        }
      }),
      { seed: 7 },
    );
  });
});
