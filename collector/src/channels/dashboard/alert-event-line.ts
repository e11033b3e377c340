import type { AlertTransition } from '../../alerting/alert-model';
import { feedEventFromTransition } from './feed-event';

/**
 * An alert transition as one line of InfluxDB line protocol in measurement `alert_events` (the
 * names every helper shares): tags kpi, severity, category, class, state; fields fingerprint,
 * title, text (strings), value (float, when the alert has one), incident (string, when known);
 * time = the transition's instant in nanoseconds. Grafana annotations read title and text.
 *
 * A line rather than a `Point`: a Point always carries a `value`, and an alert event often has
 * none. The composition root appends the lines to the durable spool (which takes line protocol),
 * so they reach InfluxDB with the KPI data. Pure; line breaks in texts become spaces.
 */
export const ALERT_EVENTS_MEASUREMENT = 'alert_events';

export function alertEventLine(transition: AlertTransition, incidentId?: string): string {
  const event = feedEventFromTransition(transition, incidentId);
  const tags: [string, string][] = [
    ['category', event.category],
    ['class', event.alertClass],
    ['kpi', event.kpi],
    ['severity', event.severity],
    ['state', event.to],
  ];
  const fields: string[] = [
    `fingerprint=${stringField(event.fingerprint)}`,
    `title=${stringField(event.title)}`,
    `text=${stringField(event.text)}`,
  ];
  if (event.value !== undefined) fields.push(`value=${floatField(event.value)}`);
  if (event.incident !== undefined) fields.push(`incident=${stringField(event.incident)}`);
  const tagText = tags.map(([k, v]) => `,${k}=${tagValue(v)}`).join('');
  return `${ALERT_EVENTS_MEASUREMENT}${tagText} ${fields.join(',')} ${BigInt(Math.trunc(transition.at)) * 1_000_000n}`;
}

/** Tag values escape comma, equals and space; a trailing backslash or an empty value cannot be written. */
function tagValue(value: string): string {
  let text = value.replace(/[\r\n]+/g, ' ').replace(/\\+$/, '');
  if (text === '') text = 'unknown';
  return text.replace(/([,= ])/g, '\\$1');
}

/** String fields: double-quoted, `"` and `\` escaped, line breaks as spaces. */
function stringField(value: string): string {
  return `"${value.replace(/[\r\n]+/g, ' ').replace(/(["\\])/g, '\\$1')}"`;
}

/** A number without the `i` suffix is a float in line protocol (feedEventFromTransition drops non-finite values). */
function floatField(value: number): string {
  return String(value);
}
