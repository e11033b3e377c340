import { slackSignature, verifySlackSignature } from './slack-signature';

// The worked example of https://api.slack.com/authentication/verifying-requests-from-slack
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = '1531420618';
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const NOW = Number(TIMESTAMP) * 1000;

describe('slackSignature', () => {
  it("reproduces Slack's documented example", () => {
    expect(slackSignature(SECRET, TIMESTAMP, BODY)).toBe(SIGNATURE);
    expect(slackSignature(SECRET, TIMESTAMP, Buffer.from(BODY))).toBe(SIGNATURE);
  });
});

describe('verifySlackSignature', () => {
  const check = (overrides: Partial<Parameters<typeof verifySlackSignature>[0]>) =>
    verifySlackSignature({ signingSecret: SECRET, timestamp: TIMESTAMP, signature: SIGNATURE, rawBody: BODY, now: NOW, ...overrides });

  it('accepts the documented request, up to five minutes either side', () => {
    expect(check({})).toEqual({ ok: true });
    expect(check({ now: NOW + 300_000 })).toEqual({ ok: true });
    expect(check({ now: NOW - 300_000 })).toEqual({ ok: true });
  });

  it.each([
    ['one character of the body changed', { rawBody: BODY.replace('roadrunner', 'roadrunnex') }, /does not match/],
    ['another secret', { signingSecret: `${SECRET}x` }, /does not match/],
    ['a signature in upper case', { signature: SIGNATURE.toUpperCase() }, /does not match/],
    ['a truncated signature', { signature: SIGNATURE.slice(0, 20) }, /does not match/],
    ['a timestamp 301 s old', { now: NOW + 301_000 }, /301 s away from now/],
    ['a timestamp in the future', { now: NOW - 400_000 }, /400 s away/],
    ['a timestamp that is not a number', { timestamp: '15314206l8' }, /not a Unix time/],
    ['no signature', { signature: undefined }, /missing/],
    ['no timestamp', { timestamp: undefined }, /missing/],
  ])('rejects %s', (_what, overrides, reason) => {
    const result = check(overrides);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
    expect(JSON.stringify(result)).not.toContain(SIGNATURE.slice(3));
  });
});
