import { silentLogger } from '../../core/logger';
import { fakeSlackApi } from '../test-support/fake-slack-api';
import { HOSTILE, incidentMessage, digestMessage, sendInput, testAlert, testIncident, testRecipient } from '../test-support/fixtures';
import { compileChannelTemplates } from '../templates/channel-templates';
import { createSlackWebClient, SlackChannel, slackFailure, type SlackSettings } from './slack-channel';

const TOKEN = 'xoxb-test-1234-abcd';
const templates = compileChannelTemplates().slack;
const SETTINGS: SlackSettings = { botToken: 'env:FINMON_SLACK_BOT_TOKEN', silenceDurations: ['1h', '24h'] };

type Block = { type: string; block_id?: string; text?: { type: string; text: string }; elements?: Record<string, unknown>[] };
type Attachment = { color: string; fallback: string; blocks: Block[] };

describe('SlackChannel against a local Slack Web API', () => {
  const slack = fakeSlackApi({ token: TOKEN, knownChannels: ['#finance-alerts'] });
  const channel = (token = TOKEN) =>
    new SlackChannel({ settings: SETTINGS, client: createSlackWebClient({ token, apiUrl: `${slack.server.url}/api/`, timeoutMs: 3000, logger: silentLogger() }), templates });
  const lastPost = () => {
    const call = slack.calls.filter((c) => c.method === 'chat.postMessage').at(-1)!;
    return { ...call, attachment: (call.args.attachments as Attachment[])[0]! };
  };

  beforeAll(() => slack.server.start());
  afterAll(() => slack.server.stop());
  beforeEach(() => {
    slack.calls.length = 0;
  });

  it('posts Block Kit to the user with the severity colour and Acknowledge / Silence / dashboard buttons', async () => {
    const outcome = await channel().send(sendInput(incidentMessage(), { deliveryId: 'inc-42:firing:0:treasurer:slack' }));
    expect(outcome).toEqual({ ok: true, providerId: expect.stringMatching(/^D04TRS0PR\/\d+\.000100$/) });
    const post = lastPost();
    expect(post.token).toBe(TOKEN);
    expect(post.contentType).toBe('application/x-www-form-urlencoded');
    expect(post.args.channel).toBe('U04TRS0PR');
    expect(post.args.text).toBe('[CRITICAL] Cash below floor: Cash position ops-usd 812,400 USD is below 1,000,000 USD');
    expect(post.args.unfurl_links).toBe('false');
    expect(post.args.metadata).toEqual({
      event_type: 'finmon_notification',
      event_payload: { delivery_id: 'inc-42:firing:0:treasurer:slack', incident_id: 'inc-42', attempt: 1 },
    });
    expect(post.attachment.color).toBe('#D92D20');
    expect(post.attachment.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'actions']);
    expect(post.attachment.blocks[0]!.text).toEqual({ type: 'plain_text', text: 'Cash below floor', emoji: true });
    expect(post.attachment.blocks[1]!.text!.type).toBe('mrkdwn');
    const buttons = post.attachment.blocks[3]!.elements!;
    expect(buttons.map((b) => b.action_id)).toEqual(['finmon_ack', 'finmon_silence_1h', 'finmon_silence_24h', 'finmon_dashboard']);
    expect(JSON.parse(buttons[0]!.value as string)).toEqual({ incident: 'inc-42' });
    expect(JSON.parse(buttons[2]!.value as string)).toEqual({ incident: 'inc-42', durationMs: 86_400_000 });
    expect(buttons[3]!.url).toBe('https://grafana.example/d/finmon-cash?var-kpi=bank_balance&from=now-30d');
  });

  it('posts to the channel of a channel-only recipient', async () => {
    const room = testRecipient({ id: 'finance-alerts', channels: { slack: { channel: '#finance-alerts' } } });
    expect(await channel().send(sendInput(incidentMessage(), { recipient: room }))).toMatchObject({ ok: true });
    expect(lastPost().args.channel).toBe('#finance-alerts');
  });

  it('colours warnings amber, and resolved incidents green without Acknowledge / Silence', async () => {
    await channel().send(sendInput(incidentMessage({ incident: testIncident({ severity: 'warning' }) })));
    expect(lastPost().attachment.color).toBe('#F79009');
    await channel().send(sendInput(incidentMessage({ reason: 'resolved', incident: testIncident({ state: 'resolved' }) })));
    const resolved = lastPost().attachment;
    expect(resolved.color).toBe('#12B76A');
    expect(resolved.blocks[0]!.text!.text).toBe('Resolved: Cash below floor');
    expect(resolved.blocks.at(-1)!.elements!.map((b) => b.action_id)).toEqual(['finmon_dashboard']);
  });

  it('sends digests without action buttons', async () => {
    await channel().send(sendInput(digestMessage({ dashboardUrl: undefined })));
    expect(lastPost().attachment.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
  });

  it('escapes & < > of inserted text so no mention or link forms', async () => {
    await channel().send(sendInput(incidentMessage({ incident: testIncident({ title: HOSTILE, alerts: [testAlert({ summary: HOSTILE })] }) })));
    const post = lastPost();
    const section = post.attachment.blocks[1]!.text!.text;
    expect(section).toContain('&lt;!channel&gt; &lt;http://evil.example|click&gt;');
    expect(section).not.toMatch(/<!channel>|<http/);
    expect(post.args.text).not.toMatch(/<!channel>/);
    expect(post.attachment.blocks[0]!.text!.text).toBe(HOSTILE.slice(0, 150));
  });

  it('maps channel_not_found and invalid_auth to permanent failures without the token', async () => {
    const ghost = testRecipient({ channels: { slack: { channel: '#nowhere' } } });
    expect(await channel().send(sendInput(incidentMessage(), { recipient: ghost }))).toEqual({ ok: false, retryable: false, error: 'Slack: channel_not_found' });
    const outcome = await channel('xoxb-wrong-9999').send(sendInput(incidentMessage()));
    expect(outcome).toEqual({ ok: false, retryable: false, error: 'Slack: invalid_auth' });
    expect(JSON.stringify(outcome)).not.toContain('xoxb');
  });

  it('maps 429 with Retry-After, HTTP 5xx and Slack internal_error to retryable failures', async () => {
    slack.server.failNext(
      { status: 429, headers: { 'retry-after': '30' }, body: { ok: false, error: 'ratelimited' } },
      { status: 503, body: 'upstream down' },
      { status: 200, body: { ok: false, error: 'internal_error' } },
    );
    const c = channel();
    expect(await c.send(sendInput(incidentMessage()))).toEqual({ ok: false, retryable: true, error: 'Slack: rate limited', retryAfterMs: 30_000 });
    expect(await c.send(sendInput(incidentMessage()))).toMatchObject({ ok: false, retryable: true, error: expect.stringMatching(/^Slack: HTTP 503/) });
    expect(await c.send(sendInput(incidentMessage()))).toEqual({ ok: false, retryable: true, error: 'Slack: internal_error' });
  });

  it('retries through an outage: unreachable while down, posted once it is back', async () => {
    const c = channel();
    await slack.server.stop();
    try {
      expect(await c.send(sendInput(incidentMessage()))).toMatchObject({ ok: false, retryable: true, error: expect.stringMatching(/^Slack unreachable: /) });
    } finally {
      await slack.server.start();
    }
    expect(await c.send(sendInput(incidentMessage(), { attempt: 2 }))).toMatchObject({ ok: true });
  });

  it('reaches only recipients with Slack', () => {
    expect(channel().canReach(testRecipient({ channels: { email: 'a@example.com' } }))).toBe(false);
    expect(channel().canReach(testRecipient())).toBe(true);
  });
});

describe('slackFailure', () => {
  it('treats an unrecognised error as retryable', () => {
    expect(slackFailure(new Error('boom'))).toEqual({ ok: false, retryable: true, error: 'Slack: boom' });
  });
});
