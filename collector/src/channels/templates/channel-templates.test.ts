import { FinmonError } from '../../core/errors';
import { digestMessage, HOSTILE, incidentMessage, testAlert, testIncident, testRecipient, T0 } from '../test-support/fixtures';
import { compileChannelTemplates, templatesSettingsSchema } from './channel-templates';
import { buildMessageView, formatNumber, formatTime, MAX_LISTED_ALERTS, messageSeverity } from './message-view';

const templates = compileChannelTemplates();
const recipient = testRecipient();

describe('default templates on an incident', () => {
  const view = buildMessageView(incidentMessage(), recipient);

  it('puts the severity in the email subject', () => {
    expect(templates.email.subject.render(view)).toBe('[CRITICAL] Cash below floor');
    const escalated = buildMessageView(incidentMessage({ reason: 'escalation', level: 1 }), recipient);
    expect(templates.email.subject.render(escalated)).toBe('[CRITICAL] Cash below floor (escalation level 2)');
    const resolved = buildMessageView(incidentMessage({ reason: 'resolved', incident: testIncident({ state: 'resolved' }) }), recipient);
    expect(templates.email.subject.render(resolved)).toBe('[CRITICAL] Resolved: Cash below floor');
  });

  it('writes a plain-text email with the alert, its value and threshold, times in the recipient zone and the dashboard link', () => {
    const text = templates.email.text.render(view);
    expect(text).toContain('Critical · Firing · 2026-03-04 09:15 EST');
    expect(text).toContain('- [CRITICAL] Cash position ops-usd 812,400 USD is below 1,000,000 USD (account=ops-usd, currency=USD): value 812,400, threshold 1,000,000, firing since 2026-03-04 09:10 EST');
    expect(text).toContain('Dashboard: https://grafana.example/d/finmon-cash?var-kpi=bank_balance&from=now-30d');
    expect(text).not.toMatch(/\n\n\n/);
  });

  it('writes an HTML email with the link escaped inside its attribute', () => {
    const html = templates.email.html.render(view);
    expect(html).toContain('<a href="https://grafana.example/d/finmon-cash?var-kpi=bank_balance&amp;from=now-30d"');
    expect(html).toContain('<td>CRITICAL</td><td>Cash position ops-usd 812,400 USD is below 1,000,000 USD<br>');
  });

  it('writes a short SMS and Slack, push and ntfy texts', () => {
    expect(templates.sms.text.render(view)).toBe('CRITICAL: Cash position ops-usd 812,400 USD is below 1,000,000 USD');
    expect(templates.slack.title.render(view)).toBe('Cash below floor');
    expect(templates.slack.fallback.render(view)).toBe('[CRITICAL] Cash below floor: Cash position ops-usd 812,400 USD is below 1,000,000 USD');
    expect(templates.slack.body.render(view)).toContain('• *CRITICAL* Cash position ops-usd 812,400 USD is below 1,000,000 USD _(account=ops-usd, currency=USD)_ · value 812,400 · threshold 1,000,000');
    expect(templates.push.title.render(view)).toBe('CRITICAL: Cash below floor');
    expect(templates.ntfy.body.render(view)).toBe('Cash position ops-usd 812,400 USD is below 1,000,000 USD\nhttps://grafana.example/d/finmon-cash?var-kpi=bank_balance&from=now-30d');
  });
});

describe('default templates escape what they insert', () => {
  const hostile = incidentMessage({
    incident: testIncident({ title: HOSTILE, alerts: [testAlert({ summary: HOSTILE, series: { account: HOSTILE } })] }),
  });
  const view = buildMessageView(hostile, recipient);

  it('HTML-escapes the email body', () => {
    const html = templates.email.html.render(view);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;!channel&gt;');
  });

  it('escapes Slack mrkdwn so no <!channel> or link forms', () => {
    for (const text of [templates.slack.body.render(view), templates.slack.fallback.render(view)]) {
      expect(text).not.toMatch(/<!channel>|<http/);
      expect(text).toContain('&lt;!channel&gt; &lt;http://evil.example|click&gt;');
    }
  });

  it('keeps subjects and titles on one line', () => {
    const multiLine = buildMessageView(incidentMessage({ incident: testIncident({ title: 'a\r\nBcc: x@example.com' }) }), recipient);
    expect(templates.email.subject.render(multiLine)).toBe('[CRITICAL] a Bcc: x@example.com');
    expect(templates.push.title.render(multiLine)).not.toMatch(/[\r\n]/);
  });

  it('drops a dashboard link that is not http(s)', () => {
    const evil = buildMessageView(incidentMessage({ dashboardUrl: 'javascript:alert(1)' }), recipient);
    expect(templates.email.html.render(evil)).not.toContain('javascript:');
  });
});

describe('default templates on a digest', () => {
  const view = buildMessageView(digestMessage(), recipient);

  it('renders a compact table with every row and marks the problems', () => {
    const html = templates.email.html.render(view);
    expect(html.match(/<tr style="border-top/g)).toHaveLength(3);
    expect(html).toContain('<td>Revenue</td><td style="text-align:right">1,254,300.5 USD</td><td style="text-align:right">1,200,000</td><td>ok</td>');
    expect(html).toContain('<td><b>CRITICAL</b></td>');
    expect(templates.email.subject.render(view)).toBe('[finmon] Daily finance digest (2 need attention)');
    expect(templates.email.text.render(view)).toContain('Days sales outstanding: 47.25 days [WARNING]');
    expect(templates.sms.text.render(view)).toBe('finmon Daily finance digest: 2 KPIs need attention, 2 alerts');
  });
});

describe('buildMessageView', () => {
  it('lists at most MAX_LISTED_ALERTS alerts, firing and higher priority first, and counts the rest', () => {
    const alerts = Array.from({ length: 13 }, (_, i) =>
      testAlert({ fingerprint: `fp${i}`, priority: i, state: i === 0 ? 'resolved' : 'firing', summary: `alert ${i}` }),
    );
    const view = buildMessageView(incidentMessage({ incident: testIncident({ alerts }) }), recipient);
    const listed = view.alerts as { summary: string }[];
    expect(listed).toHaveLength(MAX_LISTED_ALERTS);
    expect(listed[0]?.summary).toBe('alert 12');
    expect(view.moreAlerts).toBe(3);
    expect(view.summary).toBe('alert 12');
  });

  it('takes a digest severity from its worst alert', () => {
    expect(messageSeverity(digestMessage())).toBe('critical');
    expect(messageSeverity(digestMessage({ digest: { ...digestMessage().digest!, alerts: [] } }))).toBe('info');
  });

  it('shows folded notifications and the 1-based escalation level only when there are some', () => {
    expect(buildMessageView(incidentMessage({ folded: 0, level: 0 }), recipient)).toMatchObject({ folded: undefined, level: 1 });
    expect(buildMessageView(incidentMessage({ folded: 4 }), recipient)).toMatchObject({ folded: 4, level: undefined });
  });

  it('formats numbers and times for people', () => {
    expect(formatNumber(1234567.891)).toBe('1,234,567.89');
    expect(formatNumber(-0.5)).toBe('-0.5');
    expect(formatNumber(0.000123456)).toBe('0.0001235');
    expect(formatTime(T0, 'Europe/London')).toBe('2026-03-04 14:15 GMT');
  });
});

describe('templatesSettingsSchema', () => {
  it('accepts partial overrides and compiles them over the defaults', () => {
    const settings = templatesSettingsSchema.parse({ sms: { text: '{{severityUpper}} {{title}}' } });
    const compiled = compileChannelTemplates(settings);
    expect(compiled.sms.text.render(buildMessageView(incidentMessage(), recipient))).toBe('CRITICAL Cash below floor');
    expect(compiled.email.subject.render(buildMessageView(incidentMessage(), recipient))).toBe('[CRITICAL] Cash below floor');
  });

  it('reports a broken template with its path, line and column', () => {
    const result = templatesSettingsSchema.safeParse({ email: { html: '<p>\n{{titel}}</p>' }, push: { sound: 'x' } });
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toContainEqual(expect.stringMatching(/^email\.html: template line 2, column 1: unknown name "titel"; known here: .*title/));
    expect(issues).toContainEqual(expect.stringMatching(/^push: .*sound/));
  });

  it('compileChannelTemplates refuses a broken template with CONFIG_INVALID naming it', () => {
    const broken = { slack: { body: '{{{title}}}' } };
    expect(() => compileChannelTemplates(broken)).toThrow(FinmonError);
    expect(() => compileChannelTemplates(broken)).toThrow(/templates\.slack\.body: line 1, column 1: raw output/);
  });
});
