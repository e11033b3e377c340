import { z } from 'zod';
import { checkNotificationSettings } from './notification-settings-checks';
import { consolidationSchema } from './consolidation-schema';
export { recipientChannels } from './recipient-channels';
import {
  cronExpressionSchema,
  durationSchema,
  kpiIdSchema,
  referenceIdSchema,
  severitySchema,
  timeOfDaySchema,
  timeZoneSchema,
  weekdaySchema,
} from './scalar-schemas';
import { secretReferenceSchema } from './secret-reference';
import { templatesSettingsSchema } from '../channels/templates/channel-templates';

/**
 * notification_settings.yaml: who is told what, how and when — recipients and roles, the global
 * settings of each channel (secrets only as `env:`/`file:` references), routing rules, the
 * escalation matrix, on-call schedules and digests. Cross-references are checked in
 * `notification-settings-checks.ts`.
 */

export const channelNameSchema = z.enum(['email', 'sms', 'slack', 'push', 'ntfy']);
export type ChannelName = z.infer<typeof channelNameSchema>;

/** Alert categories: the KPI categories plus `system` (no data, collector failures). */
export const alertCategorySchema = z.enum(['financial', 'operational', 'market', 'system']);
export type AlertCategory = z.infer<typeof alertCategorySchema>;

const ALL_SEVERITIES: z.infer<typeof severitySchema>[] = ['critical', 'warning', 'info'];
const E164 = /^\+[1-9][0-9]{6,14}$/;
const E164_MESSAGE = 'an E.164 phone number as a quoted string, e.g. "+12125550142"';
const phoneSchema = z.string({ error: E164_MESSAGE }).regex(E164, E164_MESSAGE);

const roleSchema = z
  .object({
    id: referenceIdSchema,
    name: z.string().min(1),
    description: z.string().min(1).optional(),
  })
  .strict();

const recipientChannelsSchema = z
  .object({
    email: z.email({ error: 'an email address, e.g. "dana@example.com"' }).optional(),
    phone: phoneSchema.optional().describe('For SMS'),
    slack: z
      .object({
        user: z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user id such as "U04ABC123"').optional(),
        channel: z
          .string()
          .regex(/^(#[a-z0-9_-]{1,80}|[CG][A-Z0-9]{2,})$/, 'a Slack channel, "#name" or an id such as "C04ABC123"')
          .optional(),
      })
      .strict()
      .refine((s) => s.user !== undefined || s.channel !== undefined, { message: 'give a Slack "user", "channel" or both' })
      .optional(),
    push: z.array(z.string().min(1)).min(1).optional().describe('Web-push subscription ids of the finmon app'),
    ntfy: z
      .object({ topic: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an ntfy topic: letters, digits, "_" and "-"') })
      .strict()
      .optional(),
  })
  .strict()
  .refine((c) => Object.values(c).some((v) => v !== undefined), {
    message: 'give at least one way to reach the recipient: email, phone, slack, push or ntfy',
  });

const preferencesSchema = z
  .object({
    quietHours: z
      .object({
        start: timeOfDaySchema,
        end: timeOfDaySchema,
        allow: z
          .array(severitySchema)
          .default(['critical'])
          .describe('Severities delivered during quiet hours anyway (default critical)'),
      })
      .strict()
      .optional()
      .describe("Hours in the recipient's time zone when notifications wait, e.g. 22:00–07:00"),
    severities: z.array(severitySchema).min(1).default(ALL_SEVERITIES).describe('Severities the recipient wants'),
    rateLimit: z
      .object({ max: z.number().int().positive(), per: durationSchema })
      .strict()
      .optional()
      .describe('At most `max` notifications per `per`; the rest are folded into the next one'),
    fallback: z
      .array(channelNameSchema)
      .min(1)
      .optional()
      .describe('Channels to fall back to, in order, when one keeps failing (default: the order of `channels`)'),
  })
  .strict();

const recipientSchema = z
  .object({
    id: referenceIdSchema,
    name: z.string().min(1),
    roles: z.array(referenceIdSchema).default([]),
    timezone: timeZoneSchema,
    channels: recipientChannelsSchema,
    preferences: preferencesSchema.prefault({}),
  })
  .strict();

const channelsSchema = z
  .object({
    email: z
      .object({
        smtp: z
          .object({
            host: z.string().min(1),
            port: z.number().int().min(1).max(65535),
            secure: z.boolean().default(false).describe('TLS from the start (port 465); false uses STARTTLS when offered'),
            username: z.string().min(1).optional(),
            password: secretReferenceSchema.optional(),
          })
          .strict(),
        from: z.string().min(3).describe('Sender, e.g. "finmon <alerts@example.com>"'),
        chart: z
          .object({
            enabled: z.boolean().default(true),
            days: z.number().int().min(1).max(400).default(30).describe('Days of history the chart shows'),
          })
          .strict()
          .prefault({})
          .describe("The inline PNG chart of the KPI's recent history, threshold and forecast in alert emails"),
      })
      .strict()
      .optional(),
    sms: z
      .object({
        provider: z.literal('twilio'),
        accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$|^env:|^file:/, 'a Twilio account SID "AC…" or a secret reference'),
        authToken: secretReferenceSchema,
        from: phoneSchema,
        apiUrl: z
          .url({ protocol: /^https?$/, error: 'an http(s) URL, e.g. "https://api.twilio.com"' })
          .optional()
          .describe('Base URL of the Twilio API (default https://api.twilio.com): a regional endpoint or a test server'),
        severities: z
          .array(severitySchema)
          .min(1)
          .default(['critical'])
          .describe('Severities sent by SMS (default critical only); others are refused so delivery falls back'),
      })
      .strict()
      .optional(),
    slack: z
      .object({
        botToken: secretReferenceSchema,
        defaultChannel: z.string().regex(/^#[a-z0-9_-]{1,80}$/, 'a Slack channel "#name"').optional(),
        signingSecret: secretReferenceSchema
          .optional()
          .describe("The Slack app's signing secret: enables the Acknowledge and Silence buttons (POST /api/v1/slack/interactivity)"),
        apiUrl: z
          .url({ protocol: /^https?$/, error: 'an http(s) URL ending in "/", e.g. "https://slack.com/api/"' })
          .optional()
          .describe('Base URL of the Slack Web API (default https://slack.com/api/)'),
        silenceDurations: z
          .array(durationSchema)
          .min(1)
          .max(4)
          .default(['1h', '24h'])
          .describe('One "Silence" button per duration on Slack alert messages'),
      })
      .strict()
      .optional(),
    push: z
      .object({
        vapidSubject: z.string().regex(/^(mailto:|https:\/\/)/, 'a VAPID subject: "mailto:ops@example.com" or an https URL'),
        vapidPublicKey: z.string().min(1),
        vapidPrivateKey: secretReferenceSchema,
        ttl: durationSchema.default('1d').describe('How long the push service keeps an undelivered notification'),
      })
      .strict()
      .optional(),
    ntfy: z
      .object({
        server: z.url({ protocol: /^https?$/, error: 'an http(s) URL, e.g. "https://ntfy.sh"' }).default('https://ntfy.sh'),
        token: secretReferenceSchema.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Who receives: recipients by id, every member of a role, whoever is on call in a schedule. */
export const receiversSchema = z
  .object({
    recipients: z.array(referenceIdSchema).optional(),
    roles: z.array(referenceIdSchema).optional(),
    schedules: z.array(referenceIdSchema).optional().describe('On-call schedule ids: whoever is on call'),
  })
  .strict()
  .refine((r) => (r.recipients?.length ?? 0) + (r.roles?.length ?? 0) + (r.schedules?.length ?? 0) > 0, {
    message: 'name at least one recipient, role or schedule',
  });
export type Receivers = z.infer<typeof receiversSchema>;

const routeTargetFields = {
  receivers: receiversSchema.optional(),
  escalation: referenceIdSchema.optional().describe('Escalation policy id'),
  channels: z
    .array(channelNameSchema)
    .min(1)
    .optional()
    .describe("Channels for the receivers (default: each recipient's channels)"),
};

function hasTarget(route: { receivers?: unknown; escalation?: unknown }): boolean {
  return route.receivers !== undefined || route.escalation !== undefined;
}
const NO_TARGET = { message: 'give "receivers", "escalation" (a policy id) or both' };

const routeSchema = z
  .object({
    name: z.string().min(1).optional(),
    match: z
      .object({
        severity: z.array(severitySchema).min(1).optional(),
        category: z.array(alertCategorySchema).min(1).optional(),
        kpi: z.array(kpiIdSchema).min(1).optional(),
        team: z.array(z.string().min(1)).min(1).optional().describe('Matches the alert label "team"'),
      })
      .strict()
      .prefault({})
      .describe('Every field given must match (a list matches any of its values); empty matches every alert'),
    ...routeTargetFields,
    continue: z.boolean().default(false).describe('Keep evaluating later routes after this one matched'),
  })
  .strict()
  .refine(hasTarget, NO_TARGET);

const routingSchema = z
  .object({
    default: z.object(routeTargetFields).strict().refine(hasTarget, NO_TARGET).describe('Alerts no route matched'),
    routes: z.array(routeSchema).default([]),
  })
  .strict();

const businessHoursSchema = z
  .object({
    timezone: timeZoneSchema,
    days: z.array(weekdaySchema).min(1).default(['monday', 'tuesday', 'wednesday', 'thursday', 'friday']),
    start: timeOfDaySchema,
    end: timeOfDaySchema,
  })
  .strict();

const escalationLevelSchema = z
  .object({
    targets: receiversSchema,
    channels: z.array(channelNameSchema).min(1),
    timeout: durationSchema.optional().describe('Escalate to the next level when nobody acknowledged within this'),
    when: z
      .enum(['always', 'business_hours', 'outside_business_hours'])
      .default('always')
      .describe("When this level applies, by the policy's business hours"),
  })
  .strict();

const escalationPolicySchema = z
  .object({
    id: referenceIdSchema,
    name: z.string().min(1),
    levels: z.array(escalationLevelSchema).min(1),
    repeat: z.number().int().min(0).max(10).default(0).describe('Times the whole sequence repeats after the last level'),
    ackTimeout: durationSchema
      .optional()
      .describe('An acknowledgement holds this long; a still-firing alert then re-enters escalation'),
    businessHours: businessHoursSchema.optional(),
  })
  .strict();

const scheduleSchema = z
  .object({
    id: referenceIdSchema,
    name: z.string().min(1),
    timezone: timeZoneSchema,
    rotation: z
      .object({
        recipients: z.array(referenceIdSchema).min(1).describe('Recipient ids in rotation order'),
        every: z.enum(['daily', 'weekly']),
        handoffTime: timeOfDaySchema,
        handoffDay: weekdaySchema.optional().describe('Weekly rotations: the day of the handoff (default monday)'),
        startDate: z
          .string()
          .regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'a date "YYYY-MM-DD"')
          .describe('The first rotation starts at the handoff on this date with the first recipient'),
      })
      .strict(),
  })
  .strict();

const digestSchema = z
  .object({
    id: referenceIdSchema,
    name: z.string().min(1),
    schedule: cronExpressionSchema.describe('Cron expression, 5 fields, e.g. "0 7 * * 1-5"'),
    timezone: timeZoneSchema,
    recipients: z.array(referenceIdSchema).optional(),
    roles: z.array(referenceIdSchema).optional(),
    channels: z.array(channelNameSchema).min(1).default(['email']),
    include: z
      .object({
        severities: z.array(severitySchema).min(1).default(ALL_SEVERITIES),
        categories: z.array(alertCategorySchema).min(1).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .refine((d) => (d.recipients?.length ?? 0) + (d.roles?.length ?? 0) > 0, {
    message: 'a digest needs "recipients", "roles" or both',
  });

export const notificationSettingsSchema = z
  .object({
    version: z.literal(1),
    roles: z.array(roleSchema).default([]),
    recipients: z.array(recipientSchema).min(1),
    channels: channelsSchema,
    routing: routingSchema,
    escalation: z.object({ policies: z.array(escalationPolicySchema).default([]) }).strict().prefault({}),
    schedules: z.array(scheduleSchema).default([]),
    digests: z.array(digestSchema).default([]),
    templates: templatesSettingsSchema
      .optional()
      .describe('Per-channel message templates (collector/src/channels/templates/channel-templates.ts)'),
    consolidation: consolidationSchema
      .prefault({})
      .describe('Grouping, inhibition, correlation and maintenance windows (collector/src/config/consolidation-schema.ts)'),
  })
  .strict()
  .superRefine((settings, ctx) =>
    checkNotificationSettings(settings, (path, message) => ctx.addIssue({ code: 'custom', path, message })),
  );

export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;
export type Recipient = NotificationSettings['recipients'][number];
export type EscalationPolicy = NotificationSettings['escalation']['policies'][number];
export type OnCallSchedule = NotificationSettings['schedules'][number];
export type Route = NotificationSettings['routing']['routes'][number];
export type Digest = NotificationSettings['digests'][number];
