import { ManualClock } from '../../core/clock';
import { LocalHttpServer, type RecordedRequest } from '../test-support/local-http-server';
import { incidentMessage, sendInput, T0, testIncident, testRecipient } from '../test-support/fixtures';
import { compileChannelTemplates } from '../templates/channel-templates';
import { encodeHeaderText, NtfyChannel } from './ntfy-channel';

const TOKEN = 'tk_ntfytoken0123456789abcdef';
const templates = compileChannelTemplates().ntfy;

/** Decodes an RFC 2047 `=?UTF-8?B?…?=` word as ntfy does. */
const decodeWord = (value: string) => value.replace(/^=\?UTF-8\?B\?(.+)\?=$/i, (_m, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));

/** ntfy's publish endpoint: POST /{topic}, bearer token, JSON answer (or ntfy's JSON errors). */
function ntfyServer(): { server: LocalHttpServer; published: { topic: string; title: string; priority: string; tags: string; click?: string; message: string }[] } {
  const published: { topic: string; title: string; priority: string; tags: string; click?: string; message: string }[] = [];
  const server = new LocalHttpServer((request: RecordedRequest) => {
    const topic = /^\/([A-Za-z0-9_-]{1,64})$/.exec(request.url)?.[1];
    if (request.method !== 'POST' || topic === undefined) return { status: 404, body: { code: 40401, http: 404, error: 'page not found' } };
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return { status: 401, body: { code: 40101, http: 401, error: 'unauthorized' } };
    const message = request.body.toString('utf8');
    published.push({
      topic,
      title: decodeWord(String(request.headers.title)),
      priority: String(request.headers.priority),
      tags: String(request.headers.tags),
      ...(request.headers.click === undefined ? {} : { click: String(request.headers.click) }),
      message,
    });
    return { status: 200, body: { id: `msg${published.length}`, time: T0 / 1000, event: 'message', topic, message } };
  });
  return { server, published };
}

describe('NtfyChannel against a local ntfy server', () => {
  const ntfy = ntfyServer();
  const clock = new ManualClock(T0);
  const channel = (token: string | undefined = TOKEN) =>
    new NtfyChannel({ settings: { server: `${ntfy.server.url}/` }, ...(token === undefined ? {} : { token }), templates, clock, timeoutMs: 3000 });

  beforeAll(() => ntfy.server.start());
  afterAll(() => ntfy.server.stop());
  beforeEach(() => {
    ntfy.published.length = 0;
  });

  it('publishes to the topic with Title, Priority, Tags and Click headers and the bearer token', async () => {
    expect(await channel().send(sendInput(incidentMessage()))).toEqual({ ok: true, providerId: 'msg1' });
    expect(ntfy.published).toEqual([
      {
        topic: 'nwrb-priya',
        title: 'CRITICAL: Cash below floor',
        priority: '5',
        tags: 'rotating_light,critical',
        click: 'https://grafana.example/d/finmon-cash?var-kpi=bank_balance&from=now-30d',
        message: 'Cash position ops-usd 812,400 USD is below 1,000,000 USD\nhttps://grafana.example/d/finmon-cash?var-kpi=bank_balance&from=now-30d',
      },
    ]);
  });

  it('lowers the priority for warnings and resolved incidents', async () => {
    await channel().send(sendInput(incidentMessage({ incident: testIncident({ severity: 'warning' }) })));
    await channel().send(sendInput(incidentMessage({ reason: 'resolved', incident: testIncident({ state: 'resolved' }) })));
    expect(ntfy.published.map((p) => [p.priority, p.tags])).toEqual([
      ['4', 'warning,warning'],
      ['3', 'white_check_mark,critical,resolved'],
    ]);
  });

  it('sends a non-ASCII title as an RFC 2047 word that decodes to the original', async () => {
    await channel().send(sendInput(incidentMessage({ incident: testIncident({ title: 'Trésorerie sous le seuil – São Paulo 東京' }) })));
    expect(ntfy.published[0]!.title).toBe('CRITICAL: Trésorerie sous le seuil – São Paulo 東京');
    expect(encodeHeaderText('plain ascii')).toBe('plain ascii');
    expect(encodeHeaderText('a\r\nInjected: x')).toBe('a Injected: x');
  });

  it('maps a wrong token to a permanent failure without the token', async () => {
    const outcome = await channel('tk_wrong').send(sendInput(incidentMessage()));
    expect(outcome).toEqual({ ok: false, retryable: false, error: `ntfy ${ntfy.server.url}/nwrb-priya: 401 unauthorized (40101)` });
    expect(JSON.stringify(outcome)).not.toContain('tk_');
  });

  it('maps 429 with Retry-After and 5xx to retryable failures', async () => {
    ntfy.server.failNext(
      { status: 429, headers: { 'retry-after': '3' }, body: { code: 42901, http: 429, error: 'limit reached: too many requests' } },
      { status: 502, body: 'bad gateway' },
    );
    expect(await channel().send(sendInput(incidentMessage()))).toEqual({
      ok: false,
      retryable: true,
      error: `ntfy ${ntfy.server.url}/nwrb-priya: 429 limit reached: too many requests (42901)`,
      retryAfterMs: 3000,
    });
    expect(await channel().send(sendInput(incidentMessage()))).toMatchObject({ ok: false, retryable: true, error: expect.stringContaining('502 bad gateway') });
  });

  it('retries through an outage and publishes once the server is back', async () => {
    const c = channel();
    await ntfy.server.stop();
    try {
      expect(await c.send(sendInput(incidentMessage()))).toMatchObject({ ok: false, retryable: true, error: expect.stringContaining('unreachable') });
    } finally {
      await ntfy.server.start();
    }
    expect(await c.send(sendInput(incidentMessage(), { attempt: 2 }))).toMatchObject({ ok: true });
    expect(ntfy.published).toHaveLength(1);
  });

  it('reaches only recipients with a topic', async () => {
    const none = testRecipient({ channels: { email: 'x@example.com' } });
    expect(channel().canReach(none)).toBe(false);
    expect(await channel().send(sendInput(incidentMessage(), { recipient: none }))).toMatchObject({ ok: false, retryable: false });
  });
});
