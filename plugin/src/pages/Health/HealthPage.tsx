import React from 'react';
import { dateTimeFormatTimeAgo } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert as AlertBox, Badge, useStyles2 } from '@grafana/ui';
import { useCollector } from '../../collector/CollectorContext';
import { useCollectorQuery } from '../../collector/useCollectorQuery';
import { testIds } from '../../testIds';
import { getPageStyles } from '../page-styles';
import { deliverySummary, sourceRows } from './health-view';

/** Health: collector status, storage (spool depth, shipping), configuration, sources' last data, delivery failures (GET /api/v1/health). */
export function HealthPage() {
  const { client } = useCollector();
  const styles = useStyles2(getPageStyles);
  const health = useCollectorQuery(() => client.health(), [client], 15_000);
  const report = health.value;
  const writer = report?.storage?.writer;
  const spool = report?.storage?.spool;
  const sources = report ? sourceRows(report.sources) : [];
  const delivery = report ? deliverySummary(report.notifications) : [];
  return (
    <PluginPage>
      <div className={styles.page} data-testid={testIds.healthPage.root}>
        {health.error && (
          <AlertBox severity="error" title="Health could not be loaded">
            {health.error.message}
          </AlertBox>
        )}
        {report && (
          <>
            <div className={styles.row}>
              <Badge
                color={report.status === 'ok' ? 'green' : 'orange'}
                text={report.status}
                data-testid={testIds.healthPage.status}
              />
              {report.configuration?.lastError && <span>configuration error: {report.configuration.lastError}</span>}
            </div>
            <div className={styles.grid}>
              <section className={styles.card} data-testid={testIds.healthPage.spool}>
                <h3 className={styles.cardTitle}>Spool</h3>
                <dl className={styles.facts}>
                  <dt>Records waiting</dt>
                  <dd>{spool?.records ?? '—'}</dd>
                  <dt>Bytes</dt>
                  <dd>{spool?.bytes ?? '—'}</dd>
                  <dt>Segments</dt>
                  <dd>{spool?.segments ?? '—'}</dd>
                </dl>
              </section>
              <section className={styles.card} data-testid={testIds.healthPage.writer}>
                <h3 className={styles.cardTitle}>InfluxDB</h3>
                <dl className={styles.facts}>
                  <dt>Database</dt>
                  <dd>{report.storage?.database ?? '—'}</dd>
                  <dt>Outage</dt>
                  <dd>{writer?.outage ? 'yes' : 'no'}</dd>
                  <dt>Lag</dt>
                  <dd>{writer?.lagMs !== undefined ? `${writer.lagMs} ms` : '—'}</dd>
                  <dt>Shipped points</dt>
                  <dd>{writer?.shippedPoints ?? '—'}</dd>
                  <dt>Retries</dt>
                  <dd>{writer?.retries ?? '—'}</dd>
                  <dt>Rejected records</dt>
                  <dd>{writer?.rejectedRecords ?? '—'}</dd>
                  {writer?.lastError && (
                    <>
                      <dt>Last error</dt>
                      <dd>
                        {writer.lastError.code}: {writer.lastError.message} (
                        {dateTimeFormatTimeAgo(writer.lastError.atMs)})
                      </dd>
                    </>
                  )}
                </dl>
              </section>
              <section className={styles.card}>
                <h3 className={styles.cardTitle}>Ingest and configuration</h3>
                <dl className={styles.facts}>
                  <dt>Accepted points</dt>
                  <dd>{report.ingest?.acceptedPoints ?? '—'}</dd>
                  <dt>Computed points</dt>
                  <dd>{report.ingest?.computedPoints ?? '—'}</dd>
                  <dt>Config generation</dt>
                  <dd>{report.configuration?.generation ?? '—'}</dd>
                  <dt>Loaded</dt>
                  <dd>{report.configuration?.loadedAt ? dateTimeFormatTimeAgo(report.configuration.loadedAt) : '—'}</dd>
                </dl>
              </section>
              <section className={styles.card} data-testid={testIds.healthPage.deliveries}>
                <h3 className={styles.cardTitle}>Deliveries</h3>
                {delivery.length === 0 ? (
                  <div className={styles.muted}>The collector reports no delivery figures.</div>
                ) : (
                  <dl className={styles.facts}>
                    {delivery.map(([name, value]) => (
                      <React.Fragment key={name}>
                        <dt>{name}</dt>
                        <dd>{value}</dd>
                      </React.Fragment>
                    ))}
                  </dl>
                )}
              </section>
            </div>
            <h3>Sources</h3>
            {sources.length === 0 && <div className={styles.muted}>No pulled sources are scheduled.</div>}
            <div className={styles.grid}>
              {sources.map((s) => (
                <section key={s.name} className={styles.card} data-testid={testIds.healthPage.source(s.name)}>
                  <h4 className={styles.cardTitle}>{s.name}</h4>
                  <Badge
                    color={s.failing ? 'red' : 'green'}
                    text={s.failing ? `failing (${s.errorStreak} in a row)` : 'ok'}
                  />
                  <dl className={styles.facts}>
                    <dt>Last data</dt>
                    <dd>{s.lastSuccessAt ? dateTimeFormatTimeAgo(s.lastSuccessAt) : 'never'}</dd>
                    <dt>Runs</dt>
                    <dd>
                      {s.runs} ({s.failures} failed)
                    </dd>
                    {s.lastError && (
                      <>
                        <dt>Last error</dt>
                        <dd>{s.lastError}</dd>
                      </>
                    )}
                  </dl>
                </section>
              ))}
            </div>
          </>
        )}
      </div>
    </PluginPage>
  );
}

export default HealthPage;
