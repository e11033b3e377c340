import { ManualClock } from '../../core/clock';
import { fakeTwilioApi } from '../test-support/fake-twilio-api';
import { digestMessage, incidentMessage, sendInput, T0, testAlert, testIncident, testRecipient } from '../test-support/fixtures';
import { compileChannelTemplates } from '../templates/channel-templates';
import { SmsChannel, twilioFailure, type SmsSettings } from './sms-channel';
import { GSM_SEGMENT_SEPTETS } from './sms-text';

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'twilio-Token-5be1f0c2';
const templates = compileChannelTemplates().sms;

describe('SmsChannel against a local Twilio Messages API', () => {
  const twilio = fakeTwilioApi({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  const clock = new ManualClock(T0);
  const channel = (overrides: { authToken?: string; settings?: Partial<SmsSettings>; apiUrl?: string } = {}) =>
    new SmsChannel({
      settings: {
        provider: 'twilio',
        accountSid: 'env:TWILIO_ACCOUNT_SID',
        authToken: 'env:TWILIO_AUTH_TOKEN',
        from: '+16465550100',
        apiUrl: overrides.apiUrl ?? twilio.server.url,
        severities: ['critical'],
        ...overrides.settings,
      },
      accountSid: ACCOUNT_SID,
      authToken: overrides.authToken ?? AUTH_TOKEN,
      templates,
      clock,
      timeoutMs: 3000,
    });

  beforeAll(() => twilio.server.start());
  afterAll(() => twilio.server.stop());
  beforeEach(() => {
    twilio.messages.length = 0;
    twilio.server.requests.length = 0;
  });

  it('sends a short critical SMS with the real twilio client, form-encoded with basic auth', async () => {
    const outcome = await channel().send(sendInput(incidentMessage(), { attempt: 3 }));
    expect(outcome).toEqual({ ok: true, providerId: 'SM00000000000000000000000000000001' });
    expect(twilio.messages).toEqual([
      {
        sid: 'SM00000000000000000000000000000001',
        accountSid: ACCOUNT_SID,
        to: '+16465550163',
        from: '+16465550100',
        body: 'CRITICAL: Cash position ops-usd 812,400 USD is below 1,000,000 USD',
        attempt: '3',
      },
    ]);
    const request = twilio.server.requests[0]!;
    expect(request.url).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(request.headers['user-agent']).toMatch(/^twilio-node\//);
  });

  it('keeps a long incident to one GSM segment', async () => {
    const long = testAlert({ summary: `Cash position “ops-usd” – ${'very '.repeat(60)}low` });
    await channel().send(sendInput(incidentMessage({ incident: testIncident({ alerts: [long] }) })));
    const body = twilio.messages[0]!.body;
    expect(body.length).toBeLessThanOrEqual(GSM_SEGMENT_SEPTETS);
    expect(body).toMatch(/^CRITICAL: Cash position "ops-usd" - very very .*\.\.\.$/);
  });

  it('sends critical only by default and refuses the rest without calling Twilio, so delivery falls back', async () => {
    const c = channel();
    const warning = incidentMessage({ incident: testIncident({ severity: 'warning' }) });
    expect(c.accepts(warning)).toBe(false);
    expect(c.accepts(incidentMessage())).toBe(true);
    expect(await c.send(sendInput(warning))).toEqual({
      ok: false,
      retryable: false,
      error: 'SMS carries only critical notifications (channels.sms.severities); this one is warning',
    });
    expect(await c.send(sendInput(digestMessage()))).toMatchObject({ ok: true });
    expect(twilio.server.requests).toHaveLength(1);
  });

  it('sends other severities when configured', async () => {
    const warning = incidentMessage({ incident: testIncident({ severity: 'warning' }) });
    expect(await channel({ settings: { severities: ['critical', 'warning'] } }).send(sendInput(warning))).toMatchObject({ ok: true });
  });

  it('reaches only recipients with a phone number', async () => {
    const c = channel();
    const noPhone = testRecipient({ channels: { email: 'x@example.com' } });
    expect(c.canReach(noPhone)).toBe(false);
    expect(await c.send(sendInput(incidentMessage(), { recipient: noPhone }))).toMatchObject({ ok: false, retryable: false });
  });

  it('maps an invalid number (400, code 21211) to a permanent failure', async () => {
    const bad = testRecipient({ channels: { phone: '12345' as `+${string}` } });
    const outcome = await channel().send(sendInput(incidentMessage(), { recipient: bad }));
    expect(outcome).toEqual({ ok: false, retryable: false, error: "Twilio: 400 The 'To' number 12345 is not a valid phone number. (Twilio error 21211)" });
  });

  it('maps bad credentials to a permanent failure that never shows the token', async () => {
    const outcome = await channel({ authToken: 'wrong-Token-123' }).send(sendInput(incidentMessage()));
    expect(outcome).toEqual({ ok: false, retryable: false, error: 'Twilio: 401 Authenticate (Twilio error 20003)' });
    expect(JSON.stringify(outcome)).not.toMatch(/wrong-Token-123|twilio-Token/);
  });

  it('maps 429 with Retry-After and 5xx to retryable failures', async () => {
    const c = channel();
    twilio.server.failNext(
      { status: 429, headers: { 'retry-after': '7' }, body: { code: 20429, message: 'Too Many Requests', status: 429 } },
      { status: 503, body: { code: 20500, message: 'Service unavailable', status: 503 } },
    );
    expect(await c.send(sendInput(incidentMessage()))).toEqual({ ok: false, retryable: true, error: 'Twilio: 429 Too Many Requests', retryAfterMs: 7000 });
    expect(await c.send(sendInput(incidentMessage()))).toEqual({
      ok: false,
      retryable: true,
      error: 'Twilio: 503 Service unavailable (Twilio error 20500)',
    });
    expect(twilio.messages).toHaveLength(0);
  });

  it('retries through an outage: unreachable while down, sent once it is back', async () => {
    const c = channel();
    await twilio.server.stop();
    try {
      const down = await c.send(sendInput(incidentMessage()));
      expect(down).toMatchObject({ ok: false, retryable: true });
      expect(down.ok === false && down.error).toMatch(/^Twilio unreachable: .*(ECONNREFUSED|ECONNRESET)/);
      expect(JSON.stringify(down)).not.toContain(AUTH_TOKEN);
    } finally {
      await twilio.server.start();
    }
    expect(await c.send(sendInput(incidentMessage(), { attempt: 2 }))).toMatchObject({ ok: true });
    expect(twilio.messages).toHaveLength(1);
  });
});

describe('twilioFailure', () => {
  it('maps a 5xx RestException to retryable and a client-side error to permanent', () => {
    const serverError = Object.assign(new Error('x'), { status: 500 });
    expect(twilioFailure(serverError, T0)).toMatchObject({ ok: false, retryable: true });
    expect(twilioFailure(new Error('accountSid must start with AC'), T0)).toMatchObject({ ok: false, retryable: false });
  });
});
