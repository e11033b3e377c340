import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../alerting/alert-model';
import { createSlackWebClient, SlackChannel } from '../../channels/slack/slack-channel';
import { SlackInteractivity, type AlertActions } from '../../channels/slack/slack-interactivity';
import { slackSignature } from '../../channels/slack/slack-signature';
import { fakeSlackApi } from '../../channels/test-support/fake-slack-api';
import { incidentMessage, sendInput, T0 } from '../../channels/test-support/fixtures';
import { compileChannelTemplates } from '../../channels/templates/channel-templates';
import { ManualClock } from '../../core/clock';
import { ErrorCodes, FinmonError } from '../../core/errors';
import { silentLogger } from '../../core/logger';
import { createHttpServer } from '../server';
import { registerSlackRoutes } from './slack-routes';

const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TOKEN = 'xoxb-test-1234-abcd';

type Block = { type: string; block_id?: string; elements?: Record<string, unknown>[] };

/** Records the calls; throws what `fail` says. */
class RecordingActions implements AlertActions {
  readonly calls: { action: string; incident: string; actor: Actor; arg?: string | number }[] = [];
  fail: Error | undefined;
  async acknowledgeIncident(incident: string, actor: Actor, comment?: string): Promise<void> {
    if (this.fail) throw this.fail;
    this.calls.push({ action: 'ack', incident, actor, ...(comment === undefined ? {} : { arg: comment }) });
  }
  async silenceIncident(incident: string, actor: Actor, durationMs: number): Promise<void> {
    if (this.fail) throw this.fail;
    this.calls.push({ action: 'silence', incident, actor, arg: durationMs });
  }
}

describe('POST /api/v1/slack/interactivity', () => {
  const slack = fakeSlackApi({ token: TOKEN });
  const clock = new ManualClock(T0);
  let app: FastifyInstance;
  let actions: RecordingActions;
  let interactivity: SlackInteractivity;
  let postedAttachments: { blocks: Block[] }[];

  beforeAll(async () => {
    await slack.server.start();
    // The message as the Slack channel really posts it: its attachments come back in the payload.
    const client = createSlackWebClient({ token: TOKEN, apiUrl: `${slack.server.url}/api/`, logger: silentLogger() });
    const channel = new SlackChannel({
      settings: { botToken: 'env:X', silenceDurations: ['1h', '24h'] },
      client,
      templates: compileChannelTemplates().slack,
    });
    expect((await channel.send(sendInput(incidentMessage()))).ok).toBe(true);
    postedAttachments = slack.calls[0]!.args.attachments as { blocks: Block[] }[];
  });
  afterAll(() => slack.server.stop());

  beforeEach(async () => {
    slack.calls.length = 0;
    clock.set(T0);
    actions = new RecordingActions();
    const client = createSlackWebClient({ token: TOKEN, apiUrl: `${slack.server.url}/api/`, logger: silentLogger() });
    interactivity = new SlackInteractivity({ actions, chat: client.chat, clock, logger: silentLogger() });
    app = createHttpServer({ logger: silentLogger(), bodyLimitBytes: 1024 * 1024 });
    await registerSlackRoutes(app, { signingSecret: SIGNING_SECRET, interactivity, clock });
    await app.ready();
  });
  afterEach(() => app.close());

  /** A block_actions payload for a click on the posted message's button `actionId`. */
  function clickPayload(actionId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const actionsBlock = postedAttachments[0]!.blocks.find((b) => b.type === 'actions')!;
    const button = actionsBlock.elements!.find((e) => e.action_id === actionId)!;
    return {
      type: 'block_actions',
      user: { id: 'U04TRS0PR', username: 'priya', name: 'priya', team_id: 'T0NWRB' },
      api_app_id: 'A0FINMON',
      token: 'legacy-verification-token',
      container: { type: 'message', message_ts: '1772000001.000100', channel_id: 'D04TRS0PR', is_ephemeral: false },
      trigger_id: '123.456.abc',
      team: { id: 'T0NWRB', domain: 'northwind' },
      channel: { id: 'D04TRS0PR', name: 'directmessage' },
      message: { type: 'message', ts: '1772000001.000100', text: 'fallback', attachments: postedAttachments },
      response_url: 'https://hooks.slack.com/actions/T0NWRB/1/xyz',
      actions: [{ action_id: actionId, block_id: 'finmon_actions', type: 'button', value: button.value, action_ts: '1772000100.000001', text: button.text }],
      ...overrides,
    };
  }

  function signedRequest(body: string, options: { timestamp?: number; secret?: string; signature?: string } = {}) {
    const timestamp = String(options.timestamp ?? Math.floor(clock.now() / 1000));
    return app.inject({
      method: 'POST',
      url: '/api/v1/slack/interactivity',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': options.signature ?? slackSignature(options.secret ?? SIGNING_SECRET, timestamp, body),
      },
      payload: body,
    });
  }

  const form = (payload: unknown) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

  it('acknowledges on a correctly signed click, without any bearer token, and replaces the buttons with who did it', async () => {
    const res = await signedRequest(form(clickPayload('finmon_ack')));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expect(actions.calls).toEqual([
      { action: 'ack', incident: 'inc-42', actor: { kind: 'slack', name: 'priya (U04TRS0PR)' }, arg: 'acknowledged in Slack' },
    ]);
    await interactivity.idle();
    const update = slack.calls.find((c) => c.method === 'chat.update')!;
    expect(update.token).toBe(TOKEN);
    expect(update.args.channel).toBe('D04TRS0PR');
    expect(update.args.ts).toBe('1772000001.000100');
    const blocks = (update.args.attachments as { color: string; blocks: Block[] }[])[0]!.blocks;
    expect((update.args.attachments as { color: string }[])[0]!.color).toBe('#D92D20');
    expect(blocks.find((b) => b.type === 'actions')!.elements!.map((e) => e.action_id)).toEqual(['finmon_dashboard']);
    expect(blocks.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: ':white_check_mark: Acknowledged by <@U04TRS0PR> at 2026-03-04 14:15 UTC' }],
    });
  });

  it('silences for the duration of the clicked button', async () => {
    expect((await signedRequest(form(clickPayload('finmon_silence_24h')))).statusCode).toBe(200);
    expect(actions.calls).toEqual([{ action: 'silence', incident: 'inc-42', actor: { kind: 'slack', name: 'priya (U04TRS0PR)' }, arg: 86_400_000 }]);
    await interactivity.idle();
    const update = slack.calls.find((c) => c.method === 'chat.update')!;
    const blocks = (update.args.attachments as { blocks: Block[] }[])[0]!.blocks;
    expect(JSON.stringify(blocks.at(-1))).toContain(':no_bell: Silenced for 1d by <@U04TRS0PR>');
  });

  it.each([
    ['a wrong signing secret', { secret: 'not-the-secret' }, /does not match/],
    ['a signature of another body', { signature: slackSignature(SIGNING_SECRET, String(Math.floor(T0 / 1000)), 'payload=%7B%7D') }, /does not match/],
    ['a timestamp six minutes old (replay)', { timestamp: Math.floor(T0 / 1000) - 360 }, /360 s away from now/],
    ['a malformed signature', { signature: 'v0=abc' }, /does not match/],
  ])('rejects %s with 401 and acts on nothing', async (_what, options, reason) => {
    const res = await signedRequest(form(clickPayload('finmon_ack')), options);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe(ErrorCodes.SLACK_SIGNATURE_INVALID);
    expect(res.json().error.message).toMatch(reason);
    expect(res.body).not.toContain(slackSignature(SIGNING_SECRET, String(Math.floor(T0 / 1000)), form(clickPayload('finmon_ack'))));
    expect(actions.calls).toEqual([]);
  });

  it('rejects a request without the Slack headers', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/slack/interactivity',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer anything' },
      payload: form(clickPayload('finmon_ack')),
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/missing X-Slack-Request-Timestamp or X-Slack-Signature/);
  });

  it('accepts a timestamp within five minutes either way', async () => {
    clock.advance(4 * 60_000);
    expect((await signedRequest(form(clickPayload('finmon_ack')), { timestamp: Math.floor(T0 / 1000) })).statusCode).toBe(200);
    expect(actions.calls).toHaveLength(1);
  });

  it('answers 400 to a signed request without a JSON payload', async () => {
    expect((await signedRequest('foo=bar')).json().error).toEqual({ code: ErrorCodes.REQUEST_INVALID, message: 'a Slack interaction needs the form field "payload" (JSON)' });
    expect((await signedRequest('payload=%7Bnot-json')).statusCode).toBe(400);
  });

  it('tells the clicking user privately when the action fails, leaving the message as it is', async () => {
    actions.fail = new FinmonError(ErrorCodes.NOT_FOUND, 'no incident "inc-42" is open', 404);
    expect((await signedRequest(form(clickPayload('finmon_ack')))).statusCode).toBe(200);
    await interactivity.idle();
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postEphemeral']);
    expect(slack.calls[0]!.args).toMatchObject({ channel: 'D04TRS0PR', user: 'U04TRS0PR', text: 'Could not acknowledge incident inc-42: no incident "inc-42" is open' });
  });

  it('hides unexpected errors from the user', async () => {
    actions.fail = new Error('database password=hunter2 rejected');
    await signedRequest(form(clickPayload('finmon_ack')));
    await interactivity.idle();
    expect(slack.calls[0]!.args.text).toBe('Could not acknowledge incident inc-42: internal error; see the collector log');
  });

  it('ignores other buttons, other interaction types and forged values', async () => {
    expect((await signedRequest(form(clickPayload('finmon_dashboard')))).statusCode).toBe(200);
    expect((await signedRequest(form({ ...clickPayload('finmon_ack'), type: 'view_submission' }))).statusCode).toBe(200);
    const forged = clickPayload('finmon_silence_1h');
    (forged.actions as Record<string, unknown>[])[0]!.value = JSON.stringify({ incident: 'inc-42', durationMs: 365 * 86_400_000 });
    expect((await signedRequest(form(forged))).statusCode).toBe(200);
    await interactivity.idle();
    expect(actions.calls).toEqual([]);
    expect(slack.calls).toEqual([]);
  });
});
