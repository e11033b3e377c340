import type { Block, KnownBlock, MessageAttachment } from '@slack/web-api';
import type { Severity } from '../../config/scalar-schemas';
import { durationMs } from '../../config/scalar-schemas';
import type { CompiledChannelTemplates } from '../templates/channel-templates';
import type { TemplateView } from '../templates/template';

/**
 * The Slack message of a notification, built without I/O: Block Kit inside one attachment whose
 * colour is the severity (green once resolved), a header, the body from the template, a context
 * line, and for open incidents the Acknowledge and Silence buttons the interactivity endpoint
 * handles (`slack-interactivity.ts`), plus a link button to the dashboard.
 */

export const SEVERITY_COLORS: Readonly<Record<Severity | 'resolved', string>> = {
  critical: '#D92D20',
  warning: '#F79009',
  info: '#2E90FA',
  resolved: '#12B76A',
};

/** Action ids of the buttons; the interactivity endpoint acts on these only. */
export const ACK_ACTION_ID = 'finmon_ack';
export const SILENCE_ACTION_PREFIX = 'finmon_silence_';
export const ACTIONS_BLOCK_ID = 'finmon_actions';

/** What a button carries in its `value`: the incident and, for Silence, the duration. */
export interface SlackActionValue {
  readonly incident: string;
  readonly durationMs?: number;
}

export interface SlackMessage {
  readonly text: string;
  readonly attachments: MessageAttachment[];
}

type ActionsBlock = Extract<KnownBlock, { type: 'actions' }>;
type ActionElement = ActionsBlock['elements'][number];

const HEADER_MAX = 150;
const SECTION_MAX = 3000;

export function buildSlackMessage(
  view: TemplateView,
  templates: CompiledChannelTemplates['slack'],
  options: { silenceDurations: readonly string[] },
): SlackMessage {
  const severity = view.severity as Severity;
  const resolved = view.isResolved === true;
  const title = truncate(templates.title.render(view).trim() || 'finmon', HEADER_MAX);
  const body = truncate(templates.body.render(view).trim(), SECTION_MAX);
  const text = truncate(templates.fallback.render(view).trim(), SECTION_MAX);
  const blocks: (KnownBlock | Block)[] = [{ type: 'header', text: { type: 'plain_text', text: title, emoji: true } }];
  if (body !== '') blocks.push({ type: 'section', text: { type: 'mrkdwn', text: body } });
  blocks.push({
    type: 'context',
    elements: [{ type: 'plain_text', text: contextLine(view), emoji: true }],
  });
  const buttons: ActionElement[] = [];
  const incident = typeof view.incidentId === 'string' && view.incidentId !== '' ? view.incidentId : undefined;
  if (incident !== undefined && !resolved) {
    buttons.push({
      type: 'button',
      action_id: ACK_ACTION_ID,
      style: 'primary',
      text: { type: 'plain_text', text: 'Acknowledge' },
      value: encodeActionValue({ incident }),
    });
    for (const duration of options.silenceDurations) {
      buttons.push({
        type: 'button',
        action_id: `${SILENCE_ACTION_PREFIX}${duration}`,
        text: { type: 'plain_text', text: `Silence ${duration}` },
        value: encodeActionValue({ incident, durationMs: durationMs(duration) }),
      });
    }
  }
  if (typeof view.dashboardUrl === 'string' && view.dashboardUrl !== '') {
    buttons.push({ type: 'button', action_id: 'finmon_dashboard', text: { type: 'plain_text', text: 'Open dashboard' }, url: view.dashboardUrl });
  }
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: ACTIONS_BLOCK_ID, elements: buttons });
  return {
    text,
    attachments: [{ color: resolved ? SEVERITY_COLORS.resolved : SEVERITY_COLORS[severity], fallback: text, blocks }],
  };
}

export function encodeActionValue(value: SlackActionValue): string {
  return JSON.stringify(value);
}

function contextLine(view: TemplateView): string {
  const parts = [`finmon · ${String(view.severityLabel)}`, String(view.reasonText)];
  if (typeof view.category === 'string' && view.category !== '') parts.push(view.category);
  if (typeof view.incidentId === 'string' && view.incidentId !== '') parts.push(`incident ${view.incidentId}`);
  parts.push(String(view.at));
  return parts.join(' · ');
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
