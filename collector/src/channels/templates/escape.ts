/**
 * The escapers templates apply to every value they insert. A template cannot opt out: there is no
 * raw-output tag, so a KPI name, an alert summary or a label value can never become markup.
 */

export type Escaper = (text: string) => string;

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** HTML text and attribute values: `& < > " '` become entities (safe inside quoted attributes too). */
export const escapeHtml: Escaper = (text) => text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] as string);

/**
 * Slack mrkdwn: Slack's three control characters `&`, `<` and `>` become `&amp;`, `&lt;`, `&gt;`
 * (https://api.slack.com/reference/surfaces/formatting#escaping), so inserted text cannot form a
 * link, a mention or `<!channel>`.
 */
export const escapeSlackMrkdwn: Escaper = (text) =>
  text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));

/**
 * Control characters (C0 except tab and line feed, DEL, C1), bidirectional overrides and
 * zero-width characters: invisible, and able to disguise text (e.g. reverse a number).
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;

/** Plain text (SMS, push, ntfy bodies, email text part): invisible and control characters removed. */
export const plainText: Escaper = (text) => text.replace(INVISIBLE, '');

/** One line of plain text (subjects, titles, HTTP header values): line breaks become spaces. */
export const plainLine: Escaper = (text) => plainText(text).replace(/[\r\n\t]+/g, ' ');
