import React from 'react';
import { dateTimeFormat } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert as AlertBox, Badge, useStyles2 } from '@grafana/ui';
import { severityBadgeColor } from '../../alerts/severity-style';
import { useCollector } from '../../collector/CollectorContext';
import { useCollectorQuery } from '../../collector/useCollectorQuery';
import { testIds } from '../../testIds';
import { getPageStyles } from '../page-styles';

/** Escalation: for every open incident, its policy, the level it is on, who was paged and when the next level starts. */
export function EscalationPage() {
  const { client } = useCollector();
  const styles = useStyles2(getPageStyles);
  const escalations = useCollectorQuery(() => client.listEscalations(), [client], 30_000);
  const entries = (escalations.value?.escalations ?? []).slice().sort((a, b) => b.level - a.level);
  return (
    <PluginPage>
      <div className={styles.page} data-testid={testIds.escalationPage.root}>
        {escalations.error && (
          <AlertBox severity="error" title="Escalations could not be loaded">
            {escalations.error.message}
          </AlertBox>
        )}
        {escalations.value && entries.length === 0 && (
          <div className={styles.muted}>No open incident is escalating.</div>
        )}
        <div className={styles.grid}>
          {entries.map((e) => (
            <article key={e.incidentId} className={styles.card} data-testid={testIds.escalationPage.row(e.incidentId)}>
              <h3 className={styles.cardTitle}>{e.title}</h3>
              <div className={styles.row}>
                <Badge color={severityBadgeColor(e.severity)} text={e.severity} />
                {e.incidentState && <span className={styles.muted}>{e.incidentState}</span>}
                {e.status && <span className={styles.muted}>escalation {e.status}</span>}
              </div>
              <dl className={styles.facts}>
                <dt>Policy</dt>
                <dd>{e.policyName ?? e.policy}</dd>
                <dt>Level</dt>
                <dd>
                  {e.level + 1}
                  {e.cycle ? ` (repeat ${e.cycle})` : ''}
                </dd>
                <dt>On it now</dt>
                <dd>{e.targets.length ? e.targets.join(', ') : 'nobody'}</dd>
                {e.channels && e.channels.length > 0 && (
                  <>
                    <dt>Channels</dt>
                    <dd>{e.channels.join(', ')}</dd>
                  </>
                )}
                <dt>Next level</dt>
                <dd>{e.nextAt ? dateTimeFormat(e.nextAt, { format: 'MMM D HH:mm' }) : 'last level'}</dd>
              </dl>
            </article>
          ))}
        </div>
      </div>
    </PluginPage>
  );
}

export default EscalationPage;
