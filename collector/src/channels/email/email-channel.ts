import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { NotificationSettings, Recipient } from '../../config/notification-settings-schema';
import type { Logger } from '../../core/logger';
import type { Channel, ChannelSendInput, NotificationMessage, SendOutcome } from '../../notify/channel-port';
import { KpiChartCache } from '../charts/kpi-chart';
import type { KpiHistorySource } from '../charts/kpi-history-source';
import { describeNetworkError, permanent, retryable, sent } from '../send-outcome';
import type { CompiledChannelTemplates } from '../templates/channel-templates';
import { escapeHtml } from '../templates/escape';
import { buildMessageView, leadAlert } from '../templates/message-view';

export type EmailSettings = NonNullable<NotificationSettings['channels']['email']>;

export interface EmailChannelOptions {
  readonly settings: EmailSettings;
  /** The SMTP password, resolved from its secret reference. */
  readonly password?: string;
  readonly templates: CompiledChannelTemplates['email'];
  /** Where the chart's history and forecast come from; no chart without it. */
  readonly history?: KpiHistorySource;
  readonly logger: Logger;
  /** Socket timeouts (default 10 s to connect, 30 s idle). */
  readonly timeouts?: { readonly connectMs?: number; readonly socketMs?: number };
}

/** The Content-ID of the chart image; the HTML refers to it as `cid:…`. */
export const CHART_CID = 'kpi-chart@finmon';

/**
 * Email over SMTP with nodemailer: an HTML and a plain-text part from the email templates, the
 * severity in the subject, and for incidents the lead alert's KPI chart (recent history, threshold,
 * forecast) as an inline PNG referenced by Content-ID.
 *
 * The Message-ID is derived from the delivery id, so a retry that reaches the mailbox twice carries
 * the same Message-ID (mail clients and many servers drop the duplicate). A chart that cannot be
 * drawn (InfluxDB down) never stops the mail: it goes without the chart.
 *
 * SMTP errors: 4xx replies, connection failures and timeouts are retryable; 5xx replies
 * (unknown mailbox, message refused) and failed authentication are not.
 */
export class EmailChannel implements Channel {
  readonly name = 'email' as const;
  private readonly transporter: Transporter<SMTPPool.SentMessageInfo>;
  private readonly logger: Logger;
  private readonly senderDomain: string;
  private readonly charts = new KpiChartCache();

  constructor(private readonly options: EmailChannelOptions) {
    const smtp = options.settings.smtp;
    this.logger = options.logger.child({ component: 'channel-email' });
    this.senderDomain = domainOf(options.settings.from);
    this.transporter = nodemailer.createTransport({
      pool: true,
      maxConnections: 2,
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      auth: smtp.username === undefined ? undefined : { user: smtp.username, pass: options.password ?? '' },
      connectionTimeout: options.timeouts?.connectMs ?? 10_000,
      greetingTimeout: options.timeouts?.connectMs ?? 10_000,
      socketTimeout: options.timeouts?.socketMs ?? 30_000,
      logger: false,
      debug: false,
    });
  }

  canReach(recipient: Recipient): boolean {
    return recipient.channels.email !== undefined;
  }

  async send(input: ChannelSendInput): Promise<SendOutcome> {
    const to = input.recipient.channels.email;
    if (to === undefined) return permanent(`recipient ${input.recipient.id} has no email address`);
    const chart = await this.chartFor(input.message);
    const view = buildMessageView(input.message, input.recipient, chart ? { chart: { src: `cid:${CHART_CID}`, alt: chart.alt } } : {});
    const subject = this.options.templates.subject.render(view).trim();
    const body = this.options.templates.html.render(view);
    const severity = String(view.severity);
    try {
      const info = await this.transporter.sendMail({
        from: this.options.settings.from,
        to,
        subject,
        text: this.options.templates.text.render(view),
        html: `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>${body}</body></html>`,
        messageId: `<${createHash('sha256').update(input.deliveryId).digest('hex').slice(0, 40)}@${this.senderDomain}>`,
        headers: {
          'X-Finmon-Delivery': input.deliveryId,
          'X-Finmon-Severity': severity,
          'Auto-Submitted': 'auto-generated',
          ...(severity === 'critical' ? { Importance: 'high', 'X-Priority': '1' } : {}),
        },
        attachments: chart
          ? [{ filename: 'kpi-chart.png', content: chart.png, contentType: 'image/png', cid: CHART_CID, contentDisposition: 'inline' }]
          : [],
      });
      return sent(info.messageId);
    } catch (error) {
      return smtpFailure(error, `${this.options.settings.smtp.host}:${this.options.settings.smtp.port}`);
    }
  }

  /** Closes the SMTP connection pool. */
  async close(): Promise<void> {
    this.transporter.close();
  }

  private async chartFor(message: NotificationMessage): Promise<{ png: Buffer; alt: string } | undefined> {
    const history = this.options.history;
    const incident = message.incident;
    if (history === undefined || incident === undefined || !this.options.settings.chart.enabled) return undefined;
    const alert = leadAlert(incident);
    if (alert === undefined) return undefined;
    const days = this.options.settings.chart.days;
    try {
      const [points, forecast] = await Promise.all([
        history.history(alert.kpi, alert.series, message.at - days * 86_400_000, message.at),
        history.forecast ? history.forecast(alert.kpi, alert.series) : Promise.resolve([]),
      ]);
      if (points.length === 0 && forecast.length === 0) return undefined;
      const seriesText = Object.entries(alert.series)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      const title = seriesText === '' ? alert.kpi : `${alert.kpi} (${seriesText})`;
      const png = await this.charts.png({
        title,
        history: points,
        forecast,
        ...(alert.threshold === undefined ? {} : { threshold: alert.threshold }),
        ...(alert.value === undefined ? {} : { alert: { time: alert.firingAt ?? alert.startsAt, value: alert.value } }),
      });
      return { png, alt: `${title}: the last ${days} days${alert.threshold === undefined ? '' : ' with the threshold'}${forecast.length > 0 ? ' and the forecast' : ''}` };
    } catch (error) {
      this.logger.warn({ kpi: alert.kpi, reason: error instanceof Error ? error.message : String(error) }, 'email goes without the KPI chart');
      return undefined;
    }
  }
}

/** The outcome of a nodemailer error (see the class comment). */
export function smtpFailure(error: unknown, server: string): SendOutcome {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; responseCode?: unknown; response?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const response = typeof e.response === 'string' ? e.response.slice(0, 300) : undefined;
  const what = `SMTP ${server}: ${[code, response ?? describeNetworkError(error)].filter(Boolean).join(' ')}`;
  if (code === 'EAUTH') return permanent(`${what} (check channels.email.smtp username and password)`);
  if (responseCode !== undefined) return responseCode >= 400 && responseCode < 500 ? retryable(what) : permanent(what);
  if (code === 'EENVELOPE' || code === 'EMESSAGE') return permanent(what);
  // Connection trouble (and anything unrecognised, which is rarer than a flaky network) may pass.
  return retryable(what);
}

function domainOf(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'finmon.invalid';
}
