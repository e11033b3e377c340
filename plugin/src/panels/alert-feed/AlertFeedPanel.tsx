import React, { useState } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2, type PanelProps } from '@grafana/data';
import { Alert as AlertBox, FilterPill, useStyles2, useTheme2 } from '@grafana/ui';
import { AlertRow } from '../../alerts/AlertRow';
import { activeAlerts, eventTime, recentEvents, toggle, type FeedFilter } from '../../alerts/feed-filter';
import { severityColorName } from '../../alerts/severity-style';
import { matchersForAlert, parseDuration, silenceRequest } from '../../alerts/silence-request';
import { useCollector } from '../../collector/CollectorContext';
import { ALERT_CATEGORIES, SEVERITIES, type Alert, type FeedEvent } from '../../collector/collector-types';
import { useCollectorQuery } from '../../collector/useCollectorQuery';
import { testIds } from '../../testIds';
import type { AlertFeedOptions } from './types';

interface FeedData {
  alerts?: Alert[];
  events?: FeedEvent[];
  alertsError?: string;
  eventsError?: string;
}

/**
 * Alert status and news feed: the active alerts, colour-coded by severity, with Acknowledge and
 * Silence buttons, and the recent events. Both come from the collector (through the app's proxied
 * route in Grafana); the severity and category filters start from the panel options.
 */
export function AlertFeedPanel(props: PanelProps<AlertFeedOptions>) {
  const { options, width, height } = props;
  const { client, identity } = useCollector();
  const styles = useStyles2(getStyles);
  const [filter, setFilter] = useState<FeedFilter>({ severities: options.severities, categories: options.categories });
  const [overrides, setOverrides] = useState<Record<string, Alert>>({});
  const [silenced, setSilenced] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | undefined>();
  const [actionError, setActionError] = useState<string | undefined>();

  const query = useCollectorQuery<FeedData>(
    async () => {
      const [alerts, events] = await Promise.allSettled([
        options.showActive ? client.listAlerts() : Promise.resolve({ alerts: [] }),
        options.showEvents ? client.feed({ limit: options.limit }) : Promise.resolve({ events: [] }),
      ]);
      setOverrides({});
      return {
        alerts: alerts.status === 'fulfilled' ? alerts.value.alerts : undefined,
        events: events.status === 'fulfilled' ? events.value.events : undefined,
        alertsError: alerts.status === 'rejected' ? messageOf(alerts.reason) : undefined,
        eventsError: events.status === 'rejected' ? messageOf(events.reason) : undefined,
      };
    },
    [client, options.showActive, options.showEvents, options.limit, props.timeRange.to.valueOf()],
    options.refreshSeconds * 1000
  );

  const forKpis = <T extends { kpi?: string }>(items: T[]) =>
    options.kpis.length === 0 ? items : items.filter((i) => i.kpi !== undefined && options.kpis.includes(i.kpi));
  const alerts = activeAlerts(forKpis((query.value?.alerts ?? []).map((a) => overrides[a.fingerprint] ?? a)), filter);
  const events = recentEvents(forKpis(query.value?.events ?? []), filter, options.limit);

  let silenceDuration = '1h';
  try {
    parseDuration(options.silenceDuration);
    silenceDuration = options.silenceDuration.trim();
  } catch {
    // a bad option keeps the default; the option editor offers valid values only
  }

  const act = async (alert: Alert, action: () => Promise<void>) => {
    setBusy(alert.fingerprint);
    setActionError(undefined);
    try {
      await action();
    } catch (error) {
      setActionError(messageOf(error));
    } finally {
      setBusy(undefined);
    }
  };
  const acknowledge = (alert: Alert) =>
    act(alert, async () => {
      const answer = await client.acknowledgeAlert(alert.fingerprint, {
        comment: 'acknowledged from the alert feed',
        user: identity.name,
      });
      if (answer?.alert) {
        setOverrides((o) => ({ ...o, [alert.fingerprint]: answer.alert }));
      } else {
        query.reload();
      }
    });
  const silence = (alert: Alert) =>
    act(alert, async () => {
      const request = silenceRequest(
        matchersForAlert(alert),
        silenceDuration,
        identity.name,
        `silenced from the alert feed: ${alert.summary}`
      );
      const answer = await client.createSilence(request);
      // The collector's clock decides when the silence ends (the demo's runs fast).
      const until = answer?.silence?.endsAt;
      const shown = until !== undefined ? dateTimeFormat(until, { format: 'MMM D HH:mm' }) : `for ${silenceDuration}`;
      setSilenced((s) => ({ ...s, [alert.fingerprint]: shown }));
    });

  return (
    <div className={styles.root} style={{ width, height }} data-testid={testIds.alertFeed.root}>
      <div className={styles.filters}>
        <div className={styles.pills} data-testid={testIds.alertFeed.severityFilter} role="group" aria-label="Severity">
          {SEVERITIES.map((s) => (
            <FilterPill
              key={s}
              label={s}
              selected={filter.severities.includes(s)}
              onClick={() => setFilter((f) => ({ ...f, severities: toggle(f.severities, s) }))}
            />
          ))}
        </div>
        <div className={styles.pills} data-testid={testIds.alertFeed.categoryFilter} role="group" aria-label="Category">
          {ALERT_CATEGORIES.map((c) => (
            <FilterPill
              key={c}
              label={c}
              selected={filter.categories.includes(c)}
              onClick={() => setFilter((f) => ({ ...f, categories: toggle(f.categories, c) }))}
            />
          ))}
        </div>
      </div>
      {actionError && (
        <AlertBox severity="error" title="The collector refused" data-testid={testIds.alertFeed.error}>
          {actionError}
        </AlertBox>
      )}
      {options.showActive && (
        <section aria-label="Active alerts">
          <h3 className={styles.heading}>Active alerts ({alerts.length})</h3>
          {query.value?.alertsError && (
            <div className={styles.error} data-testid={testIds.alertFeed.error}>
              {query.value.alertsError}
            </div>
          )}
          {!query.value?.alertsError && alerts.length === 0 && !query.loading && (
            <div className={styles.muted} data-testid={testIds.alertFeed.empty}>
              No active alerts
            </div>
          )}
          <ul className={styles.list} data-testid={testIds.alertFeed.activeList}>
            {alerts.map((a) => (
              <AlertRow
                key={a.fingerprint}
                alert={a}
                allowActions={options.allowActions}
                busy={busy === a.fingerprint}
                silencedUntil={silenced[a.fingerprint]}
                silenceLabel={`Silence ${silenceDuration}`}
                onAcknowledge={acknowledge}
                onSilence={silence}
              />
            ))}
          </ul>
        </section>
      )}
      {options.showEvents && (
        <section aria-label="Recent events">
          <h3 className={styles.heading}>Recent events</h3>
          {query.value?.eventsError && <div className={styles.error}>{query.value.eventsError}</div>}
          <ol className={styles.list} data-testid={testIds.alertFeed.eventList}>
            {events.map((e, i) => (
              <EventRow key={e.id ?? `${eventTime(e)}-${i}`} event={e} index={i} />
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}

function EventRow(props: { event: FeedEvent; index: number }) {
  const { event } = props;
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const time = eventTime(event);
  return (
    <li
      className={styles.event}
      data-testid={testIds.alertFeed.event(props.index)}
      data-severity={event.severity ?? ''}
    >
      <span
        className={styles.dot}
        style={{ background: theme.visualization.getColorByName(severityColorName(event.severity)) }}
        aria-hidden="true"
      />
      <span className={styles.time}>
        {Number.isFinite(time) ? dateTimeFormat(time, { format: 'MMM D HH:mm' }) : ''}
      </span>
      <span className={styles.eventText}>
        <strong>{event.title}</strong>
        {event.text ? ` — ${event.text}` : ''}
      </span>
    </li>
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    overflowY: 'auto',
    overflowX: 'hidden',
    boxSizing: 'border-box',
  }),
  filters: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1) }),
  pills: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) }),
  heading: css({ fontSize: theme.typography.h6.fontSize, margin: theme.spacing(1, 0, 0.5) }),
  list: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5), margin: 0, padding: 0 }),
  muted: css({ color: theme.colors.text.secondary }),
  error: css({ color: theme.colors.error.text }),
  event: css({
    display: 'flex',
    alignItems: 'baseline',
    gap: theme.spacing(1),
    listStyle: 'none',
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  dot: css({ flex: '0 0 8px', width: 8, height: 8, borderRadius: '50%' }),
  time: css({ flex: '0 0 auto', color: theme.colors.text.secondary, whiteSpace: 'nowrap' }),
  eventText: css({ minWidth: 0, overflowWrap: 'anywhere' }),
});
