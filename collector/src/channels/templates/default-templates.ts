/**
 * The templates finmon uses unless notification_settings.yaml overrides them (`templates:`), one
 * set per channel. Every name they use is listed in `MESSAGE_VIEW_SHAPE` (message-view.ts).
 */

const EMAIL_SUBJECT =
  '{{#isDigest}}[finmon] {{title}}{{#digest.problemCount}} ({{digest.problemCount}} need attention){{/digest.problemCount}}{{/isDigest}}' +
  '{{#isIncident}}[{{severityUpper}}]{{#isResolved}} Resolved:{{/isResolved}} {{title}}{{^isResolved}}{{#level}} (escalation level {{level}}){{/level}}{{/isResolved}}{{/isIncident}}';

const EMAIL_TEXT = `{{#isIncident}}
{{severityLabel}} · {{reasonText}} · {{at}}

{{title}}
{{summary}}

{{#alerts}}
- [{{severityUpper}}] {{summary}}{{#series}} ({{series}}){{/series}}{{#value}}: value {{value}}{{/value}}{{#threshold}}, threshold {{threshold}}{{/threshold}}, {{state}} since {{since}}
{{/alerts}}
{{#moreAlerts}}
… and {{moreAlerts}} more alerts
{{/moreAlerts}}

Incident {{incidentId}}, opened {{openedAt}} ({{category}}, {{alertClass}}).
{{/isIncident}}
{{#isDigest}}
{{title}}
{{#digest}}
{{periodStart}} – {{periodEnd}}

{{#rows}}
{{name}}: {{value}} {{unit}}{{#target}} (target {{target}}){{/target}} [{{statusUpper}}]
{{/rows}}

{{alertCount}} alerts in the period.
{{#alerts}}
- [{{severityUpper}}] {{summary}} ({{state}})
{{/alerts}}
{{/digest}}
{{/isDigest}}
{{#folded}}

{{folded}} more notifications were folded into this one by your rate limit.
{{/folded}}
{{#dashboardUrl}}

Dashboard: {{dashboardUrl}}
{{/dashboardUrl}}
`;

const EMAIL_HTML = `<div style="font-family:Helvetica,Arial,sans-serif;color:#1d2939;max-width:680px">
{{#isIncident}}
<p style="margin:0 0 8px 0;font-size:13px;color:#475467">{{severityLabel}} · {{reasonText}} · {{at}}</p>
<h1 style="margin:0 0 8px 0;font-size:20px">{{title}}</h1>
<p style="margin:0 0 16px 0;font-size:15px">{{summary}}</p>
{{#chart}}
<img src="{{src}}" alt="{{alt}}" width="640" style="display:block;max-width:100%;border:1px solid #eaecf0">
{{/chart}}
<table role="presentation" cellpadding="6" cellspacing="0" style="border-collapse:collapse;margin:16px 0;font-size:14px;width:100%">
<tr style="background:#f2f4f7;text-align:left"><th>Severity</th><th>Alert</th><th>Value</th><th>Threshold</th><th>State</th></tr>
{{#alerts}}
<tr style="border-top:1px solid #eaecf0"><td>{{severityUpper}}</td><td>{{summary}}{{#series}}<br><span style="color:#667085;font-size:12px">{{series}}</span>{{/series}}</td><td>{{value}}</td><td>{{threshold}}</td><td>{{state}} since {{since}}</td></tr>
{{/alerts}}
</table>
{{#moreAlerts}}
<p style="font-size:13px">… and {{moreAlerts}} more alerts.</p>
{{/moreAlerts}}
<p style="font-size:13px;color:#475467">Incident {{incidentId}}, opened {{openedAt}} · {{category}} · {{alertClass}}</p>
{{/isIncident}}
{{#isDigest}}
<h1 style="margin:0 0 8px 0;font-size:20px">{{title}}</h1>
{{#digest}}
<p style="margin:0 0 12px 0;font-size:13px;color:#475467">{{periodStart}} – {{periodEnd}}</p>
<table role="presentation" cellpadding="4" cellspacing="0" style="border-collapse:collapse;font-size:13px;width:100%">
<tr style="background:#f2f4f7;text-align:left"><th>KPI</th><th style="text-align:right">Value</th><th style="text-align:right">Target</th><th>Status</th></tr>
{{#rows}}
<tr style="border-top:1px solid #eaecf0"><td>{{name}}</td><td style="text-align:right">{{value}} {{unit}}</td><td style="text-align:right">{{target}}</td><td>{{#isProblem}}<b>{{statusUpper}}</b>{{/isProblem}}{{^isProblem}}{{status}}{{/isProblem}}</td></tr>
{{/rows}}
</table>
<p style="font-size:13px">{{alertCount}} alerts in the period.</p>
<ul style="font-size:13px">
{{#alerts}}
<li>[{{severityUpper}}] {{summary}} ({{state}})</li>
{{/alerts}}
</ul>
{{/digest}}
{{/isDigest}}
{{#folded}}
<p style="font-size:13px">{{folded}} more notifications were folded into this one by your rate limit.</p>
{{/folded}}
{{#dashboardUrl}}
<p><a href="{{dashboardUrl}}" style="color:#1570ef">Open the dashboard</a></p>
{{/dashboardUrl}}
</div>
`;

const SMS_TEXT =
  '{{#isIncident}}{{severityUpper}}{{#isResolved}} RESOLVED{{/isResolved}}: {{summary}}{{#moreAlerts}} (+{{moreAlerts}}){{/moreAlerts}}{{/isIncident}}' +
  '{{#isDigest}}finmon {{title}}: {{digest.problemCount}} KPIs need attention, {{digest.alertCount}} alerts{{/isDigest}}';

const SLACK_TITLE = '{{#isResolved}}Resolved: {{/isResolved}}{{title}}';

const SLACK_BODY = `{{#isIncident}}
*{{severityLabel}}* · {{reasonText}}{{#level}} · level {{level}}{{/level}}
{{summary}}
{{#alerts}}
• *{{severityUpper}}* {{summary}}{{#series}} _({{series}})_{{/series}}{{#value}} · value {{value}}{{/value}}{{#threshold}} · threshold {{threshold}}{{/threshold}}
{{/alerts}}
{{#moreAlerts}}
… and {{moreAlerts}} more
{{/moreAlerts}}
{{/isIncident}}
{{#isDigest}}
{{#digest}}
{{periodStart}} – {{periodEnd}}
{{#rows}}
• {{name}}: *{{value}}* {{unit}}{{#target}} (target {{target}}){{/target}} {{statusUpper}}
{{/rows}}
{{alertCount}} alerts in the period
{{/digest}}
{{/isDigest}}
{{#folded}}
_{{folded}} more notifications folded into this one_
{{/folded}}`;

const SLACK_FALLBACK = '[{{severityUpper}}] {{#isResolved}}Resolved: {{/isResolved}}{{title}}: {{summary}}';

const PUSH_TITLE = '{{#isIncident}}{{severityUpper}}{{#isResolved}} resolved{{/isResolved}}: {{title}}{{/isIncident}}{{#isDigest}}{{title}}{{/isDigest}}';
const PUSH_BODY =
  '{{#isIncident}}{{summary}}{{#moreAlerts}} (+{{moreAlerts}} more){{/moreAlerts}}{{/isIncident}}' +
  '{{#isDigest}}{{digest.problemCount}} KPIs need attention, {{digest.alertCount}} alerts{{/isDigest}}';

export interface ChannelTemplateSources {
  readonly email: { readonly subject: string; readonly text: string; readonly html: string };
  readonly sms: { readonly text: string };
  readonly slack: { readonly title: string; readonly body: string; readonly fallback: string };
  readonly push: { readonly title: string; readonly body: string };
  readonly ntfy: { readonly title: string; readonly body: string };
}

export const DEFAULT_TEMPLATES: ChannelTemplateSources = Object.freeze({
  email: { subject: EMAIL_SUBJECT, text: EMAIL_TEXT, html: EMAIL_HTML },
  sms: { text: SMS_TEXT },
  slack: { title: SLACK_TITLE, body: SLACK_BODY, fallback: SLACK_FALLBACK },
  push: { title: PUSH_TITLE, body: PUSH_BODY },
  ntfy: { title: PUSH_TITLE, body: `${PUSH_BODY}{{#dashboardUrl}}\n{{dashboardUrl}}{{/dashboardUrl}}` },
});
