import type { AlertState, Severity } from '../collector/collector-types';

/** Grafana palette colours for severities (red / orange / blue) and alert states. */
export function severityColorName(severity: Severity | undefined): string {
  switch (severity) {
    case 'critical':
      return 'red';
    case 'warning':
      return 'orange';
    case 'info':
      return 'blue';
    default:
      return 'text';
  }
}

export function stateColorName(state: AlertState | string | undefined): 'red' | 'orange' | 'blue' | 'green' | 'purple' {
  switch (state) {
    case 'firing':
      return 'red';
    case 'pending':
      return 'orange';
    case 'acknowledged':
      return 'blue';
    case 'resolved':
      return 'green';
    default:
      return 'purple';
  }
}

/** @grafana/ui Badge colour of a severity. */
export function severityBadgeColor(severity: Severity | undefined): 'red' | 'orange' | 'blue' | 'darkgrey' {
  switch (severity) {
    case 'critical':
      return 'red';
    case 'warning':
      return 'orange';
    case 'info':
      return 'blue';
    default:
      return 'darkgrey';
  }
}
