import type { FastifyInstance } from 'fastify';
import type { SlackInteractivity } from '../../channels/slack/slack-interactivity';
import { verifySlackSignature } from '../../channels/slack/slack-signature';
import type { Clock } from '../../core/clock';
import { ErrorCodes, FinmonError } from '../../core/errors';

export interface SlackRouteDeps {
  /** The Slack app's signing secret, resolved from `channels.slack.signingSecret`. */
  readonly signingSecret: string;
  readonly interactivity: SlackInteractivity;
  readonly clock: Clock;
  /** Largest payload accepted (default 256 KiB; Slack's payloads are a few KiB). */
  readonly bodyLimitBytes?: number;
}

/**
 * POST /api/v1/slack/interactivity — Slack's interactivity request URL (the Acknowledge / Silence
 * buttons). Slack posts `application/x-www-form-urlencoded` with one field, `payload` (JSON). The
 * request is authenticated by its signature (`X-Slack-Signature` over the raw body with the
 * signing secret, timestamp within five minutes), not by a bearer token: a bad or stale signature
 * is a 401 FINMON_SLACK_SIGNATURE_INVALID. A verified request answers 200 with an empty body at
 * once; the message update follows (see SlackInteractivity).
 */
export async function registerSlackRoutes(app: FastifyInstance, deps: SlackRouteDeps): Promise<void> {
  const bodyLimit = deps.bodyLimitBytes ?? 256 * 1024;
  await app.register(async (scope) => {
    // The signature covers the raw body: keep it as a string, parse it only after verifying.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit }, (_req, body, done) => {
      done(null, body);
    });

    scope.post('/api/v1/slack/interactivity', { bodyLimit }, async (request, reply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const check = verifySlackSignature({
        signingSecret: deps.signingSecret,
        timestamp: header(request.headers['x-slack-request-timestamp']),
        signature: header(request.headers['x-slack-signature']),
        rawBody: raw,
        now: deps.clock.now(),
      });
      if (!check.ok) throw new FinmonError(ErrorCodes.SLACK_SIGNATURE_INVALID, `Slack request rejected: ${check.reason}`, 401);
      const payloadText = new URLSearchParams(raw).get('payload');
      if (payloadText === null) {
        throw new FinmonError(ErrorCodes.REQUEST_INVALID, 'a Slack interaction needs the form field "payload" (JSON)', 400);
      }
      let payload: unknown;
      try {
        payload = JSON.parse(payloadText);
      } catch {
        throw new FinmonError(ErrorCodes.REQUEST_INVALID, 'the form field "payload" is not valid JSON', 400);
      }
      await deps.interactivity.handle(payload);
      return reply.status(200).send('');
    });
  });
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
