import type { Alert } from '../alerting/alert-model';
import { alertLabels } from './matchers';

/**
 * The grouping key of an alert: the values of the group-by labels, e.g.
 * `{kpi="revenue",category="financial"}`. Information alerts (milestones) never share an incident
 * with alerts that need action, so their key says so.
 */
export function groupKeyOf(alert: Alert, groupBy: readonly string[]): string {
  const labels = alertLabels(alert);
  const parts = groupBy.map((name) => `${name}=${JSON.stringify(labels[name] ?? '')}`);
  if (alert.alertClass === 'information' && !groupBy.includes('class')) parts.push('class="information"');
  return `{${parts.join(',')}}`;
}
