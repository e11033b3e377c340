import { z } from 'zod';
import { ErrorCodes, FinmonError } from '../../core/errors';
import { DEFAULT_TEMPLATES, type ChannelTemplateSources } from './default-templates';
import { escapeHtml, escapeSlackMrkdwn, plainLine, plainText, type Escaper } from './escape';
import { MESSAGE_VIEW_SHAPE } from './message-view';
import { checkTemplate, compileTemplate, TemplateSyntaxError, type CompiledTemplate } from './template';

/**
 * The templates of every channel, customizable in notification_settings.yaml:
 *
 *   templates:
 *     email: { subject: "…", text: "…", html: "…" }
 *     sms:   { text: "…" }
 *     slack: { title: "…", body: "…", fallback: "…" }
 *     push:  { title: "…", body: "…" }
 *     ntfy:  { title: "…", body: "…" }
 *
 * Each part is optional (the default is used) and is escaped for where it goes: HTML for the email
 * body, Slack mrkdwn for Slack's body and notification text, one line of plain text for subjects and
 * titles, plain text elsewhere. Templates are checked when the file loads.
 */

/** How each part is escaped. */
const PART_ESCAPERS = {
  email: { subject: plainLine, text: plainText, html: escapeHtml },
  sms: { text: plainText },
  slack: { title: plainLine, body: escapeSlackMrkdwn, fallback: escapeSlackMrkdwn },
  push: { title: plainLine, body: plainText },
  ntfy: { title: plainLine, body: plainText },
} as const satisfies { [C in keyof ChannelTemplateSources]: { [P in keyof ChannelTemplateSources[C]]: Escaper } };

const templateSourceSchema = z
  .string()
  .min(1)
  .superRefine((source, ctx) => {
    for (const problem of checkTemplate(source, MESSAGE_VIEW_SHAPE)) {
      ctx.addIssue({ code: 'custom', message: `template line ${problem.line}, column ${problem.column}: ${problem.message}` });
    }
  })
  .describe('A template: {{name}} inserts an escaped value, {{#name}}…{{/name}} a section, {{^name}}…{{/name}} its inverse');

function partsSchema<const P extends readonly string[]>(parts: P, describe: string) {
  const shape = Object.fromEntries(parts.map((p) => [p, templateSourceSchema.optional()])) as {
    [K in P[number]]: z.ZodOptional<typeof templateSourceSchema>;
  };
  return z.object(shape).strict().optional().describe(describe);
}

/** The optional top-level `templates` key of notification_settings.yaml. */
export const templatesSettingsSchema = z
  .object({
    email: partsSchema(['subject', 'text', 'html'] as const, 'Email subject (one line), plain-text body and HTML body (values HTML-escaped)'),
    sms: partsSchema(['text'] as const, 'SMS text, kept to one segment where possible'),
    slack: partsSchema(['title', 'body', 'fallback'] as const, 'Slack header (plain text), body and notification text (mrkdwn, values escaped)'),
    push: partsSchema(['title', 'body'] as const, 'Web Push notification title and body'),
    ntfy: partsSchema(['title', 'body'] as const, 'ntfy title and message'),
  })
  .strict()
  .describe('Per-channel message templates; anything left out uses the built-in template');

export type TemplatesSettings = z.infer<typeof templatesSettingsSchema>;

export type CompiledChannelTemplates = {
  readonly [C in keyof ChannelTemplateSources]: { readonly [P in keyof ChannelTemplateSources[C]]: CompiledTemplate };
};

/**
 * Compiles every channel's templates: the configured ones over the defaults. Throws
 * FinmonError(CONFIG_INVALID) naming the template (`templates.email.subject`) and each problem's
 * line and column; configuration validation reports the same problems earlier.
 */
export function compileChannelTemplates(custom: TemplatesSettings | undefined = undefined): CompiledChannelTemplates {
  const out: Record<string, Record<string, CompiledTemplate>> = {};
  const problems: string[] = [];
  for (const [channel, parts] of Object.entries(PART_ESCAPERS) as [keyof ChannelTemplateSources, Record<string, Escaper>][]) {
    out[channel] = {};
    for (const [part, escape] of Object.entries(parts)) {
      const configured = (custom?.[channel] as Record<string, string | undefined> | undefined)?.[part];
      const source = configured ?? (DEFAULT_TEMPLATES[channel] as Record<string, string>)[part] as string;
      const name = `templates.${channel}.${part}`;
      try {
        (out[channel] as Record<string, CompiledTemplate>)[part] = compileTemplate(source, { name, escape, shape: MESSAGE_VIEW_SHAPE });
      } catch (error) {
        if (!(error instanceof TemplateSyntaxError)) throw error;
        problems.push(error.message);
      }
    }
  }
  if (problems.length > 0) {
    throw new FinmonError(ErrorCodes.CONFIG_INVALID, `notification templates are invalid: ${problems.join(' | ')}`);
  }
  return out as unknown as CompiledChannelTemplates;
}
