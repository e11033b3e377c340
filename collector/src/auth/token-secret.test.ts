import fc from 'fast-check';
import { generateToken, hashesMatch, hashToken, lookupPrefixOf } from './token-secret';

describe('generateToken', () => {
  it('builds fm_<12 hex>_<base64url of 32 bytes> from the random source', () => {
    let call = 0;
    const random = (size: number) => Buffer.alloc(size, ++call);
    const token = generateToken(random);
    expect(token.prefix).toBe('010101010101');
    expect(token.plaintext).toBe(`fm_010101010101_${Buffer.alloc(32, 2).toString('base64url')}`);
    expect(token.hash).toBe(hashToken(token.plaintext));
  });

  it('asks the random source for 6 prefix bytes and 32 secret bytes', () => {
    const sizes: number[] = [];
    generateToken((size) => (sizes.push(size), Buffer.alloc(size)));
    expect(sizes).toEqual([6, 32]);
  });

  it('draws fresh tokens from the CSPRNG by default', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => generateToken().plaintext));
    expect(tokens.size).toBe(50);
  });
});

describe('lookupPrefixOf', () => {
  it('reads the prefix out of a generated token, even when its secret contains _', () => {
    expect(lookupPrefixOf(`fm_0123456789ab_${'_'.repeat(43)}`)).toBe('0123456789ab');
    const token = generateToken();
    expect(lookupPrefixOf(token.plaintext)).toBe(token.prefix);
  });

  it('derives h + 11 hash digits for any other text', () => {
    const text = 'an operator chosen admin token of decent length';
    expect(lookupPrefixOf(text)).toBe(`h${hashToken(text).slice(0, 11)}`);
    expect(lookupPrefixOf('fm_0123456789ab_tooshort')).toMatch(/^h[0-9a-f]{11}$/);
  });

  it('never gives foreign text a prefix a generated token could have', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const prefix = lookupPrefixOf(text);
        return /^fm_[0-9a-f]{12}_/.test(text) || /^h[0-9a-f]{11}$/.test(prefix);
      }),
    );
  });
});

describe('hashToken', () => {
  it('is the hex SHA-256 of the UTF-8 text', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('hashesMatch', () => {
  it('matches a hash with itself and with nothing else', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => hashesMatch(hashToken(a), hashToken(b)) === (a === b)),
      { seed: 20250401 },
    );
  });

  it('does not match hashes of different lengths or empty ones', () => {
    const hash = hashToken('x');
    expect(hashesMatch(hash, hash.slice(0, 62))).toBe(false);
    expect(hashesMatch('', '')).toBe(false);
  });
});
