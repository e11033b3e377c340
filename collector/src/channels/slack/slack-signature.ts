import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verifies that a request comes from Slack (https://api.slack.com/authentication/verifying-requests-from-slack):
 * `X-Slack-Signature` must be `v0=` + hex HMAC-SHA256 of `v0:{X-Slack-Request-Timestamp}:{raw body}`
 * keyed with the app's signing secret, compared in constant time; the timestamp must be within five
 * minutes of `now` (replay protection). The reason never contains the expected signature.
 */

export const SLACK_SIGNATURE_MAX_AGE_MS = 5 * 60_000;

export type SlackSignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export function verifySlackSignature(input: {
  readonly signingSecret: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly rawBody: string | Buffer;
  readonly now: number;
}): SlackSignatureCheck {
  const { timestamp, signature } = input;
  if (timestamp === undefined || signature === undefined) {
    return { ok: false, reason: 'missing X-Slack-Request-Timestamp or X-Slack-Signature header' };
  }
  if (!/^[0-9]{1,12}$/.test(timestamp)) return { ok: false, reason: 'X-Slack-Request-Timestamp is not a Unix time in seconds' };
  const ageMs = Math.abs(input.now - Number(timestamp) * 1000);
  if (ageMs > SLACK_SIGNATURE_MAX_AGE_MS) {
    return { ok: false, reason: `request timestamp is ${Math.round(ageMs / 1000)} s away from now (at most 300 s allowed)` };
  }
  const expected = Buffer.from(slackSignature(input.signingSecret, timestamp, input.rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'X-Slack-Signature does not match the request (wrong signing secret or altered body)' };
  }
  return { ok: true };
}

/** `v0=` + hex HMAC-SHA256 of `v0:timestamp:body`: what Slack sends (and what tests sign with). */
export function slackSignature(signingSecret: string, timestamp: string, rawBody: string | Buffer): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}
