import type { MessageAttachment, WebClient } from '@slack/web-api';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Actor } from '../../alerting/alert-model';
import type { Clock } from '../../core/clock';
import { FinmonError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { ACK_ACTION_ID, ACTIONS_BLOCK_ID, SILENCE_ACTION_PREFIX } from './slack-message';

/**
 * What the Acknowledge and Silence buttons do: a port the composition root wires to the incident
 * manager and the silences. Errors thrown are shown to the clicking user (FinmonError messages;
 * anything else as "internal error").
 */
export interface AlertActions {
  acknowledgeIncident(incidentId: string, actor: Actor, comment?: string): Promise<unknown>;
  silenceIncident(incidentId: string, actor: Actor, durationMs: number): Promise<unknown>;
}

/** The two Slack calls the interactivity handler makes (WebClient's `chat`). */
export type SlackChatApi = Pick<WebClient['chat'], 'update' | 'postEphemeral'>;

/** The longest silence a button may ask for (a forged value cannot silence for a year). */
const MAX_SILENCE_MS = 30 * 86_400_000;

const actionValueSchema = z
  .object({ incident: z.string().min(1).max(200), durationMs: z.number().int().positive().max(MAX_SILENCE_MS).optional() })
  .strict();

const payloadSchema = z.object({
  type: z.string(),
  user: z.object({ id: z.string().regex(/^[UW][A-Z0-9]+$/), username: z.string().optional(), name: z.string().optional() }).loose(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() }).loose()).default([]),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional() }).loose().optional(),
  channel: z.object({ id: z.string() }).loose().optional(),
  message: z
    .object({ ts: z.string().optional(), text: z.string().optional(), attachments: z.array(z.record(z.string(), z.unknown())).optional() })
    .loose()
    .optional(),
});

type Payload = z.infer<typeof payloadSchema>;

export type InteractionResult =
  | { readonly handled: false; readonly reason: string }
  | { readonly handled: true; readonly action: 'acknowledge' | 'silence'; readonly incident: string; readonly ok: boolean; readonly note: string };

/**
 * Handles Slack `block_actions` payloads of the finmon buttons (the signature is checked before, by
 * the route): calls `AlertActions` as the clicking Slack user, then replaces the message's buttons
 * with who did what (`chat.update`), or tells the user privately why it failed (`chat.postEphemeral`).
 * The Slack calls run after the HTTP answer (Slack wants one within 3 s); `idle()` waits for them.
 */
export class SlackInteractivity {
  private readonly pending = new Set<Promise<void>>();
  private readonly logger: Logger;

  constructor(
    private readonly deps: { actions: AlertActions; chat: SlackChatApi; clock: Clock; logger: Logger },
  ) {
    this.logger = deps.logger.child({ component: 'slack-interactivity' });
  }

  /** Acts on `rawPayload` (the parsed JSON of the form field `payload`). */
  async handle(rawPayload: unknown): Promise<InteractionResult> {
    const parsed = payloadSchema.safeParse(rawPayload);
    if (!parsed.success) return { handled: false, reason: `not a Slack interaction payload: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    const payload = parsed.data;
    if (payload.type !== 'block_actions') return { handled: false, reason: `ignored interaction type ${payload.type}` };
    const action = payload.actions.find((a) => a.action_id === ACK_ACTION_ID || a.action_id.startsWith(SILENCE_ACTION_PREFIX));
    if (action === undefined) return { handled: false, reason: 'no finmon action in the payload' };
    const value = parseValue(action.value);
    if (value === undefined) return { handled: false, reason: `action ${action.action_id} carries no valid finmon value` };

    const user = payload.user;
    const actor: Actor = { kind: 'slack', name: `${user.username ?? user.name ?? user.id} (${user.id})` };
    const kind = action.action_id === ACK_ACTION_ID ? 'acknowledge' : 'silence';
    let ok = true;
    let note: string;
    try {
      if (kind === 'acknowledge') {
        await this.deps.actions.acknowledgeIncident(value.incident, actor, 'acknowledged in Slack');
        note = `:white_check_mark: Acknowledged by <@${user.id}> at ${this.nowText()}`;
      } else {
        if (value.durationMs === undefined) return { handled: false, reason: 'a silence button without a duration' };
        await this.deps.actions.silenceIncident(value.incident, actor, value.durationMs);
        note = `:no_bell: Silenced for ${formatDuration(value.durationMs)} by <@${user.id}> at ${this.nowText()}`;
      }
    } catch (error) {
      ok = false;
      const reason = error instanceof FinmonError ? error.message : 'internal error; see the collector log';
      if (!(error instanceof FinmonError)) this.logger.error({ err: error, incident: value.incident }, `Slack ${kind} failed`);
      note = `Could not ${kind} incident ${value.incident}: ${reason}`;
    }
    this.track(ok ? this.updateMessage(payload, note) : this.tellUser(payload, note));
    return { handled: true, action: kind, incident: value.incident, ok, note };
  }

  /** Resolves once every Slack call started so far has finished. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private track(work: Promise<void>): void {
    const tracked = work.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  private async updateMessage(payload: Payload, note: string): Promise<void> {
    const channel = payload.container?.channel_id ?? payload.channel?.id;
    const ts = payload.container?.message_ts ?? payload.message?.ts;
    if (channel === undefined || ts === undefined) return;
    try {
      await this.deps.chat.update({
        channel,
        ts,
        text: payload.message?.text ?? note,
        attachments: withoutFinmonButtons(payload.message?.attachments ?? [], note),
      });
    } catch (error) {
      this.logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'could not update the Slack message');
    }
  }

  private async tellUser(payload: Payload, note: string): Promise<void> {
    const channel = payload.container?.channel_id ?? payload.channel?.id;
    if (channel === undefined) return;
    try {
      await this.deps.chat.postEphemeral({ channel, user: payload.user.id, text: note });
    } catch (error) {
      this.logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'could not tell the Slack user');
    }
  }

  private nowText(): string {
    return DateTime.fromMillis(this.deps.clock.now(), { zone: 'utc' }).toFormat("yyyy-LL-dd HH:mm 'UTC'");
  }
}

function parseValue(value: string | undefined): z.infer<typeof actionValueSchema> | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = actionValueSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The message's attachments with the Acknowledge / Silence buttons removed (link buttons stay) and
 * `note` appended as a context line to the first attachment.
 */
export function withoutFinmonButtons(attachments: readonly Record<string, unknown>[], note: string): MessageAttachment[] {
  const noteBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: note }] };
  if (attachments.length === 0) return [{ blocks: [noteBlock] } as MessageAttachment];
  return attachments.map((attachment, index) => {
    const blocks = Array.isArray(attachment.blocks) ? (attachment.blocks as Record<string, unknown>[]) : [];
    const kept = blocks.flatMap((block) => {
      if (block.type !== 'actions' || block.block_id !== ACTIONS_BLOCK_ID) return [block];
      const elements = (Array.isArray(block.elements) ? (block.elements as Record<string, unknown>[]) : []).filter((e) => {
        const id = String(e.action_id ?? '');
        return id !== ACK_ACTION_ID && !id.startsWith(SILENCE_ACTION_PREFIX);
      });
      return elements.length === 0 ? [] : [{ ...block, elements }];
    });
    return { ...attachment, blocks: index === 0 ? [...kept, noteBlock] : kept } as MessageAttachment;
  });
}

/** 3600000 → "1h", 5400000 → "1h 30m". */
export function formatDuration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
  ];
  const parts: string[] = [];
  let rest = ms;
  for (const [size, suffix] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${suffix}`);
    rest -= n * size;
  }
  return parts.length === 0 ? `${ms}ms` : parts.join(' ');
}
