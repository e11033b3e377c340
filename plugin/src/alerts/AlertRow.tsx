import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormatTimeAgo, type GrafanaTheme2 } from '@grafana/data';
import { Badge, Button, useStyles2, useTheme2 } from '@grafana/ui';
import type { Alert } from '../collector/collector-types';
import { testIds } from '../testIds';
import { severityColorName, stateColorName } from './severity-style';

export interface AlertRowProps {
  alert: Alert;
  allowActions: boolean;
  busy: boolean;
  silencedUntil?: string;
  silenceLabel: string;
  onAcknowledge(alert: Alert): void;
  onSilence(alert: Alert): void;
}

/** One active alert: colour bar by severity, summary, KPI, age, state, and the action buttons. */
export function AlertRow(props: AlertRowProps) {
  const { alert } = props;
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const since = alert.firingAt ?? alert.startsAt;
  return (
    <li
      className={styles.row}
      style={{ borderLeftColor: theme.visualization.getColorByName(severityColorName(alert.severity)) }}
      data-testid={testIds.alertFeed.alert(alert.fingerprint)}
      data-severity={alert.severity}
      data-state={alert.state}
    >
      <div className={styles.main}>
        <div className={styles.summary}>{alert.summary}</div>
        <div className={styles.meta}>
          <Badge
            color={stateColorName(alert.state)}
            text={alert.state}
            data-testid={testIds.alertFeed.alertState(alert.fingerprint)}
          />
          <span>{alert.severity}</span>
          <span>{alert.kpi}</span>
          <span>{alert.category}</span>
          <span title={new Date(since).toISOString()}>{dateTimeFormatTimeAgo(since)}</span>
          {alert.acknowledgedBy && <span>ack by {alert.acknowledgedBy}</span>}
          {props.silencedUntil && <span>silenced until {props.silencedUntil}</span>}
        </div>
      </div>
      {props.allowActions && (
        <div className={styles.actions}>
          <Button
            size="sm"
            variant="secondary"
            icon="check"
            disabled={props.busy || alert.state === 'acknowledged'}
            onClick={() => props.onAcknowledge(alert)}
            data-testid={testIds.alertFeed.acknowledge(alert.fingerprint)}
          >
            Acknowledge
          </Button>
          <Button
            size="sm"
            variant="secondary"
            icon="bell-slash"
            disabled={props.busy || props.silencedUntil !== undefined}
            onClick={() => props.onSilence(alert)}
            data-testid={testIds.alertFeed.silence(alert.fingerprint)}
          >
            {props.silenceLabel}
          </Button>
        </div>
      )}
    </li>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  row: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(1),
    borderLeft: '4px solid',
    background: theme.colors.background.secondary,
    borderRadius: theme.shape.radius.default,
    listStyle: 'none',
  }),
  main: css({ flex: '1 1 220px', minWidth: 0 }),
  summary: css({ fontWeight: theme.typography.fontWeightMedium, overflowWrap: 'anywhere' }),
  meta: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  actions: css({ display: 'flex', gap: theme.spacing(1), flexWrap: 'wrap' }),
});
