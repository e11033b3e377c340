import type { Attachment } from 'mailparser';
import { silentLogger } from '../../core/logger';
import { InMemoryKpiHistorySource, type KpiHistorySource } from '../charts/kpi-history-source';
import { captureLogger } from '../test-support/capture-logger';
import {
  digestMessage,
  HOSTILE,
  incidentMessage,
  sendInput,
  T0,
  testAlert,
  testIncident,
  testRecipient,
} from '../test-support/fixtures';
import { LocalSmtpServer } from '../test-support/local-smtp-server';
import { compileChannelTemplates } from '../templates/channel-templates';
import { CHART_CID, EmailChannel, smtpFailure, type EmailSettings } from './email-channel';

const PASSWORD = 'smtp-Secret-9f2c';
const DAY = 86_400_000;
const templates = compileChannelTemplates().email;

function history(): InMemoryKpiHistorySource {
  return new InMemoryKpiHistorySource()
    .add(
      'bank_balance',
      { account: 'ops-usd', currency: 'USD' },
      Array.from({ length: 40 }, (_, i) => ({ time: T0 - (39 - i) * DAY, value: 1_300_000 - i * 12_000 })),
    )
    .setForecast('bank_balance', [1, 2, 3].map((d) => ({ time: T0 + d * DAY, yhat: 800_000, lo80: 750_000, hi80: 850_000 })));
}

function settings(port: number, overrides: Partial<EmailSettings> = {}): EmailSettings {
  return {
    smtp: { host: '127.0.0.1', port, secure: false, username: 'finmon', password: 'env:FINMON_SMTP_PASSWORD' },
    from: 'finmon <alerts@northwind-robotics.example>',
    chart: { enabled: true, days: 30 },
    ...overrides,
  };
}

/** Width and height from a PNG's IHDR chunk, after checking the PNG signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('EmailChannel against a real SMTP server', () => {
  const smtp = new LocalSmtpServer({ user: 'finmon', password: PASSWORD });
  const channels: EmailChannel[] = [];
  const channel = (options: { history?: KpiHistorySource; password?: string; port?: number; logger?: ReturnType<typeof silentLogger> } = {}) => {
    const c = new EmailChannel({
      settings: settings(options.port ?? smtp.port),
      password: options.password ?? PASSWORD,
      templates,
      ...(options.history ? { history: options.history } : {}),
      logger: options.logger ?? silentLogger(),
      timeouts: { connectMs: 2000, socketMs: 5000 },
    });
    channels.push(c);
    return c;
  };

  beforeAll(() => smtp.start());
  beforeEach(() => {
    smtp.mails.length = 0;
    smtp.rejectRecipient.clear();
  });
  afterAll(async () => {
    await Promise.all(channels.map((c) => c.close()));
    await smtp.stop();
  });

  it('delivers an incident with severity in the subject, HTML and text parts, and the chart as an inline PNG', async () => {
    const source = history();
    const outcome = await channel({ history: source }).send(sendInput(incidentMessage()));
    expect(outcome.ok).toBe(true);
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.user).toBe('finmon');
    expect(mail.envelopeTo).toEqual(['priya.raman@northwind-robotics.example']);
    expect(mail.parsed.subject).toBe('[CRITICAL] Cash below floor');
    expect(mail.parsed.from?.value).toEqual([{ name: 'finmon', address: 'alerts@northwind-robotics.example' }]);
    expect(mail.parsed.headers.get('x-finmon-severity')).toBe('critical');
    expect(mail.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.parsed.text).toContain('- [CRITICAL] Cash position ops-usd 812,400 USD is below 1,000,000 USD');
    expect(mail.parsed.text).toContain('Dashboard: https://grafana.example/d/finmon-cash?var-kpi=bank_balance&from=now-30d');
    const html = mail.parsed.html as string;
    expect(html).toContain('<a href="https://grafana.example/d/finmon-cash?var-kpi=bank_balance&amp;from=now-30d"');
    expect(html).toContain(`<img src="cid:${CHART_CID}"`);

    const images = mail.parsed.attachments.filter((a: Attachment) => a.contentType === 'image/png');
    expect(images).toHaveLength(1);
    const image = images[0]!;
    expect(image.cid).toBe(CHART_CID);
    expect(image.contentDisposition).toBe('inline');
    expect(pngSize(image.content)).toEqual({ width: 1280, height: 560 });
    expect(outcome).toEqual({ ok: true, providerId: mail.parsed.messageId });
    // The chart asked for the lead alert's series over the configured 30 days up to the message.
    expect(source.calls).toEqual([{ kpi: 'bank_balance', series: { account: 'ops-usd', currency: 'USD' }, fromMs: T0 - 30 * DAY, toMs: T0 }]);
  });

  it('gives a retry of the same delivery the same Message-ID', async () => {
    const c = channel();
    await c.send(sendInput(incidentMessage(), { deliveryId: 'inc-42:firing:0:treasurer:email' }));
    await c.send(sendInput(incidentMessage(), { deliveryId: 'inc-42:firing:0:treasurer:email', attempt: 2 }));
    await c.send(sendInput(incidentMessage(), { deliveryId: 'inc-42:update:1:treasurer:email' }));
    const ids = smtp.mails.map((m) => m.parsed.messageId);
    expect(ids[0]).toMatch(/^<[0-9a-f]{40}@northwind-robotics\.example>$/);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
    expect(smtp.mails[0]!.parsed.headers.get('x-finmon-delivery')).toBe('inc-42:firing:0:treasurer:email');
  });

  it('escapes hostile alert text in the HTML part and keeps the subject on one line', async () => {
    const message = incidentMessage({
      incident: testIncident({ title: `${HOSTILE}\r\nBcc: victim@example.com`, alerts: [testAlert({ summary: HOSTILE })] }),
    });
    expect((await channel().send(sendInput(message))).ok).toBe(true);
    const mail = smtp.mails[0]!;
    const html = mail.parsed.html as string;
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(mail.parsed.subject).toBe(`[CRITICAL] ${HOSTILE} Bcc: victim@example.com`);
    expect(mail.parsed.bcc).toBeUndefined();
    expect(mail.envelopeTo).toEqual(['priya.raman@northwind-robotics.example']);
  });

  it('sends a digest as a compact table without a chart', async () => {
    const source = history();
    expect((await channel({ history: source }).send(sendInput(digestMessage()))).ok).toBe(true);
    const mail = smtp.mails[0]!;
    expect(mail.parsed.subject).toBe('[finmon] Daily finance digest (2 need attention)');
    expect((mail.parsed.html as string).match(/<tr style="border-top/g)).toHaveLength(3);
    expect(mail.parsed.attachments).toHaveLength(0);
    expect(source.calls).toHaveLength(0);
  });

  it('sends without a chart when the history source fails, and says so in the log', async () => {
    const failing: KpiHistorySource = {
      history: async () => {
        throw new Error('InfluxDB query at http://127.0.0.1:1/query failed: ECONNREFUSED');
      },
    };
    const log = captureLogger();
    expect((await channel({ history: failing, logger: log.logger }).send(sendInput(incidentMessage()))).ok).toBe(true);
    const mail = smtp.mails[0]!;
    expect(mail.parsed.attachments).toHaveLength(0);
    expect(mail.parsed.html as string).not.toContain('cid:');
    expect(log.text()).toContain('email goes without the KPI chart');
    expect(log.text()).toContain('ECONNREFUSED');
  });

  it('sends without a chart when the series has no history and no forecast', async () => {
    const empty = new InMemoryKpiHistorySource();
    expect((await channel({ history: empty }).send(sendInput(incidentMessage()))).ok).toBe(true);
    expect(smtp.mails[0]!.parsed.attachments).toHaveLength(0);
  });

  it('refuses a recipient without an email address, and canReach says so', async () => {
    const c = channel();
    const nobody = testRecipient({ channels: { phone: '+16465550163' } });
    expect(c.canReach(nobody)).toBe(false);
    expect(c.canReach(testRecipient())).toBe(true);
    expect(await c.send(sendInput(incidentMessage(), { recipient: nobody }))).toEqual({
      ok: false,
      retryable: false,
      error: 'recipient treasurer has no email address',
    });
  });

  it('maps a 550 for the mailbox to a permanent failure and a 451 to a retryable one', async () => {
    const c = channel();
    smtp.rejectRecipient.set('priya.raman@northwind-robotics.example', { code: 550, message: 'No such user here' });
    const refused = await c.send(sendInput(incidentMessage()));
    expect(refused).toMatchObject({ ok: false, retryable: false });
    expect(refused.ok === false && refused.error).toMatch(/^SMTP 127\.0\.0\.1:\d+: EENVELOPE 550 No such user here/);

    smtp.rejectRecipient.set('priya.raman@northwind-robotics.example', { code: 451, message: 'Try again later' });
    expect(await c.send(sendInput(incidentMessage()))).toMatchObject({ ok: false, retryable: true });
    expect(smtp.mails).toHaveLength(0);
  });

  it('treats a wrong password as permanent and never repeats the password', async () => {
    const log = captureLogger();
    const outcome = await channel({ password: 'wrong-Secret-77', logger: log.logger }).send(sendInput(incidentMessage()));
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(outcome.ok === false && outcome.error).toMatch(/EAUTH .*check channels\.email\.smtp username and password/);
    expect(JSON.stringify(outcome)).not.toContain('wrong-Secret-77');
    expect(log.text()).not.toContain('wrong-Secret-77');
  });

  it('retries through an outage: refused while the server is down, delivered once it is back', async () => {
    const c = channel();
    await smtp.stop();
    try {
      const down = await c.send(sendInput(incidentMessage()));
      expect(down).toMatchObject({ ok: false, retryable: true });
      expect(down.ok === false && down.error).toMatch(/ECONNREFUSED/);
    } finally {
      await smtp.start();
    }
    expect(await c.send(sendInput(incidentMessage(), { attempt: 2 }))).toMatchObject({ ok: true });
    expect(smtp.mails).toHaveLength(1);
  });
});

describe('smtpFailure', () => {
  it.each([
    ['a 421 reply', true, { code: 'EENVELOPE', responseCode: 421, response: '421 busy' }],
    ['a 554 reply', false, { code: 'EMESSAGE', responseCode: 554, response: '554 spam' }],
    ['a refused connection', true, { code: 'ECONNECTION', message: 'connect ECONNREFUSED' }],
    ['a timeout', true, { code: 'ETIMEDOUT', message: 'Greeting never received' }],
    ['a failed login', false, { code: 'EAUTH', responseCode: 535, response: '535 no' }],
    ['a malformed message', false, { code: 'EMESSAGE', message: 'bad' }],
  ])('%s: retryable %s', (_what, expected, error) => {
    const outcome = smtpFailure(error, 'smtp.example:587');
    expect(outcome.ok === false && outcome.retryable).toBe(expected);
  });
});
