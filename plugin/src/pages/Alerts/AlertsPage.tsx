import React, { useState } from 'react';
import { css, cx } from '@emotion/css';
import { dateTimeFormat, dateTimeFormatTimeAgo, type GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert as AlertBox, Badge, Button, RadioButtonGroup, useStyles2, useTheme2 } from '@grafana/ui';
import { severityColorName, stateColorName } from '../../alerts/severity-style';
import { commonMatchers, silenceRequest } from '../../alerts/silence-request';
import { useCollector } from '../../collector/CollectorContext';
import type { Incident, IncidentDetail } from '../../collector/collector-types';
import { useCollectorQuery } from '../../collector/useCollectorQuery';
import { testIds } from '../../testIds';
import { getPageStyles } from '../page-styles';

type StateFilter = 'open' | 'all';
const SILENCE_FOR = '1h';

/**
 * Alerts: the incidents (open or all), and for the selected one its alerts, the timeline of
 * transitions, where escalation stands, and Acknowledge / Resolve / Silence.
 */
export function AlertsPage() {
  const { client, identity } = useCollector();
  const styles = useStyles2(getPageStyles);
  const own = useStyles2(getStyles);
  const [stateFilter, setStateFilter] = useState<StateFilter>('open');
  const [selected, setSelected] = useState<string | undefined>();
  const [actionError, setActionError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const incidents = useCollectorQuery(() => client.listIncidents(), [client], 30_000);
  const list = (incidents.value?.incidents ?? [])
    .filter((i) => stateFilter === 'all' || i.state !== 'resolved')
    .sort((a, b) => b.priority - a.priority || b.updatedAt - a.updatedAt);
  const current = selected ?? list[0]?.id;
  const detail = useCollectorQuery<IncidentDetail | undefined>(
    () => (current ? client.getIncident(current) : Promise.resolve(undefined)),
    [client, current]
  );

  const act = async (what: string, action: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(undefined);
    setNotice(undefined);
    try {
      await action();
      setNotice(what);
      incidents.reload();
      detail.reload();
    } catch (error) {
      setActionError(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  const incident = detail.value?.incident;
  return (
    <PluginPage>
      <div className={styles.page} data-testid={testIds.alertsPage.root}>
        <div className={styles.row}>
          <RadioButtonGroup<StateFilter>
            options={[
              { value: 'open', label: 'Open' },
              { value: 'all', label: 'All' },
            ]}
            value={stateFilter}
            onChange={setStateFilter}
          />
          <Button variant="secondary" icon="sync" onClick={incidents.reload}>
            Reload
          </Button>
        </div>
        {incidents.error && (
          <AlertBox severity="error" title="Incidents could not be loaded" data-testid={testIds.alertsPage.error}>
            {incidents.error.message}
          </AlertBox>
        )}
        {actionError && (
          <AlertBox severity="error" title="The collector refused">
            {actionError}
          </AlertBox>
        )}
        {notice && <AlertBox severity="success" title={notice} onRemove={() => setNotice(undefined)} />}
        <div className={own.layout}>
          <ul className={own.list} aria-label="Incidents">
            {list.length === 0 && !incidents.loading && (
              <li className={styles.muted}>No {stateFilter === 'open' ? 'open ' : ''}incidents</li>
            )}
            {list.map((i) => (
              <IncidentItem key={i.id} incident={i} selected={i.id === current} onSelect={() => setSelected(i.id)} />
            ))}
          </ul>
          {incident && (
            <section className={styles.card} aria-label="Incident">
              <h3 className={styles.cardTitle}>{incident.title}</h3>
              <div className={styles.row}>
                <Badge
                  color={stateColorName(incident.state)}
                  text={incident.state}
                  data-testid={testIds.alertsPage.incidentState(incident.id)}
                />
                <span>{incident.severity}</span>
                <span className={styles.muted}>opened {dateTimeFormatTimeAgo(incident.openedAt)}</span>
              </div>
              <div className={cx(styles.row, own.actions)}>
                <Button
                  size="sm"
                  icon="check"
                  disabled={busy || incident.state !== 'firing'}
                  data-testid={testIds.alertsPage.acknowledge(incident.id)}
                  onClick={() =>
                    act('Acknowledged', () =>
                      client.acknowledgeIncident(incident.id, {
                        comment: 'acknowledged on the Alerts page',
                        user: identity.name,
                      })
                    )
                  }
                >
                  Acknowledge
                </Button>
                <Button
                  size="sm"
                  variant="secondary"
                  icon="check-circle"
                  disabled={busy || incident.state === 'resolved'}
                  data-testid={testIds.alertsPage.resolve(incident.id)}
                  onClick={() =>
                    act('Resolved', () =>
                      client.resolveIncident(incident.id, {
                        comment: 'resolved on the Alerts page',
                        user: identity.name,
                      })
                    )
                  }
                >
                  Resolve
                </Button>
                <Button
                  size="sm"
                  variant="secondary"
                  icon="bell-slash"
                  disabled={busy || incident.state === 'resolved'}
                  data-testid={testIds.alertsPage.silence(incident.id)}
                  onClick={() =>
                    act('Silenced for 1 hour', () =>
                      client.createSilence(
                        silenceRequest(
                          commonMatchers(incident.alerts),
                          SILENCE_FOR,
                          identity.name,
                          `silenced incident ${incident.title}`
                        )
                      )
                    )
                  }
                >
                  Silence 1h
                </Button>
              </div>
              <h4>Escalation</h4>
              <dl className={styles.facts} data-testid={testIds.alertsPage.escalation}>
                <dt>Policy</dt>
                <dd>{detail.value?.escalation.policy ?? '—'}</dd>
                <dt>Level</dt>
                <dd>{detail.value ? detail.value.escalation.level + 1 : '—'}</dd>
                <dt>Paged</dt>
                <dd>{detail.value?.escalation.paged.join(', ') || 'nobody yet'}</dd>
                <dt>Next level</dt>
                <dd>
                  {detail.value?.escalation.nextAt
                    ? dateTimeFormat(detail.value.escalation.nextAt, { format: 'MMM D HH:mm' })
                    : '—'}
                </dd>
              </dl>
              <h4>Alerts</h4>
              <ul className={own.list}>
                {incident.alerts.map((a) => (
                  <li key={a.fingerprint} className={own.alert}>
                    <Badge color={stateColorName(a.state)} text={a.state} /> {a.summary}
                  </li>
                ))}
              </ul>
              <h4>Timeline</h4>
              <ol className={own.timeline} data-testid={testIds.alertsPage.timeline}>
                {(detail.value?.history ?? [])
                  .slice()
                  .sort((a, b) => b.at - a.at)
                  .map((t, i) => (
                    <li key={`${t.fingerprint}-${t.at}-${i}`}>
                      <span className={styles.muted}>{dateTimeFormat(t.at, { format: 'MMM D HH:mm:ss' })}</span>{' '}
                      <strong>
                        {t.from ?? 'new'} → {t.to}
                      </strong>{' '}
                      {t.reason} <span className={styles.muted}>({t.actor.name})</span>
                    </li>
                  ))}
              </ol>
            </section>
          )}
          {detail.error && (
            <AlertBox severity="error" title="Incident could not be loaded">
              {detail.error.message}
            </AlertBox>
          )}
        </div>
      </div>
    </PluginPage>
  );
}

function IncidentItem(props: { incident: Incident; selected: boolean; onSelect: () => void }) {
  const { incident } = props;
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const page = useStyles2(getPageStyles);
  return (
    <li>
      <button
        type="button"
        className={cx(styles.item, props.selected && styles.selected)}
        style={{ borderLeftColor: theme.visualization.getColorByName(severityColorName(incident.severity)) }}
        onClick={props.onSelect}
        aria-pressed={props.selected}
        data-testid={testIds.alertsPage.incident(incident.id)}
      >
        <span className={styles.itemTitle}>{incident.title}</span>
        <span className={page.muted}>
          {incident.state} · {incident.severity} · {incident.alerts.length} alert
          {incident.alerts.length === 1 ? '' : 's'} · {dateTimeFormatTimeAgo(incident.updatedAt)}
        </span>
      </button>
    </li>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  layout: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 320px), 1fr))',
    gap: theme.spacing(2),
    alignItems: 'start',
  }),
  list: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    margin: 0,
    padding: 0,
    listStyle: 'none',
  }),
  item: css({
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-start',
    width: '100%',
    textAlign: 'left',
    padding: theme.spacing(1),
    border: `1px solid ${theme.colors.border.weak}`,
    borderLeft: '4px solid',
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
    color: theme.colors.text.primary,
    cursor: 'pointer',
  }),
  selected: css({ background: theme.colors.action.selected }),
  itemTitle: css({ fontWeight: theme.typography.fontWeightMedium, overflowWrap: 'anywhere' }),
  actions: css({ margin: theme.spacing(1, 0) }),
  alert: css({ overflowWrap: 'anywhere' }),
  timeline: css({
    margin: 0,
    paddingLeft: theme.spacing(2),
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    overflowWrap: 'anywhere',
  }),
});

export default AlertsPage;
