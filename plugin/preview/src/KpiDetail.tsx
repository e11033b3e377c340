import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert as AlertBox, LinkButton, useStyles2 } from '@grafana/ui';
import type { KpiEntry } from '../../src/collector/collector-types';
import { describePerPeriod, describeThresholds, formatKpiValue } from '../../src/kpi/kpi-format';
import { AlertFeedPanel } from '../../src/panels/alert-feed/AlertFeedPanel';
import { DEFAULT_ALERT_FEED_OPTIONS } from '../../src/panels/alert-feed/constants';
import { readGaugeData } from '../../src/panels/kpi-gauge/frames';
import { KpiGaugePanel } from '../../src/panels/kpi-gauge/KpiGaugePanel';
import { testIds } from '../../src/testIds';
import { PanelBox } from './PanelBox';
import { previewPanelProps } from './panel-props';
import { useKpiGauges } from './useKpiGauges';

/** The detail dashboard of one KPI: a large gauge with its history, the definition, recent values and the KPI's alerts. */
export function KpiDetail(props: { kpi: KpiEntry | undefined; kpiId: string; now: number }) {
  const styles = useStyles2(getStyles);
  const { kpi } = props;
  const gauges = useKpiGauges(kpi ? [kpi] : [], props.now);
  const input = kpi ? gauges.value?.[kpi.id] : undefined;
  const recent = input ? readGaugeData(input.frames, input.options).series.slice(-10).reverse() : [];
  return (
    <div className={styles.page} data-testid={testIds.preview.detail(props.kpiId)}>
      <div className={styles.header}>
        <LinkButton href="#/" variant="secondary" icon="arrow-left" size="sm" data-testid={testIds.preview.back}>
          Overview
        </LinkButton>
        <h1 className={styles.title} data-testid={testIds.preview.detailTitle}>
          {kpi?.name ?? props.kpiId}
        </h1>
      </div>
      {!kpi && <AlertBox severity="warning" title={`No KPI "${props.kpiId}" in the catalog`} />}
      {gauges.error && (
        <AlertBox severity="error" title="KPI history could not be loaded">
          {gauges.error.message}
        </AlertBox>
      )}
      {kpi && (
        <div className={styles.grid}>
          <PanelBox title={`${kpi.name} against target, last 30 days`} height={340}>
            {(size) =>
              input ? (
                <KpiGaugePanel
                  {...previewPanelProps({ ...input.options, drilldownUrl: '' }, input.frames, size, props.now)}
                />
              ) : null
            }
          </PanelBox>
          <section className={styles.card} aria-label="Definition">
            <h2 className={styles.cardTitle}>Definition</h2>
            <p>{kpi.description}</p>
            <dl className={styles.facts}>
              {kpi.formula && (
                <>
                  <dt>Formula</dt>
                  <dd className={styles.code}>{kpi.formula}</dd>
                </>
              )}
              <dt>Target</dt>
              <dd>{describePerPeriod(kpi.target, kpi.unit, kpi.decimals) ?? '—'}</dd>
              <dt>Budget</dt>
              <dd>{describePerPeriod(kpi.budget, kpi.unit, kpi.decimals) ?? '—'}</dd>
              <dt>Thresholds</dt>
              <dd>{describeThresholds(kpi.thresholds, kpi.unit, kpi.decimals) ?? '—'}</dd>
              <dt>Source</dt>
              <dd>
                {kpi.source} · every {kpi.cadence}
              </dd>
            </dl>
            <h3 className={styles.cardTitle}>Recent values</h3>
            <ol className={styles.values}>
              {recent.map((p) => (
                <li key={p.t}>
                  <span className={styles.muted}>{new Date(p.t).toISOString().slice(0, 16).replace('T', ' ')}</span>{' '}
                  {formatKpiValue(p.v, kpi.unit, kpi.decimals)}
                </li>
              ))}
            </ol>
          </section>
        </div>
      )}
      {kpi && (
        <PanelBox title={`Alerts and events of ${kpi.name}`} height={360}>
          {(size) => (
            <AlertFeedPanel
              {...previewPanelProps(
                { ...DEFAULT_ALERT_FEED_OPTIONS, kpis: [kpi.id], refreshSeconds: 15 },
                [],
                size,
                props.now
              )}
            />
          )}
        </PanelBox>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2), minWidth: 0 }),
  header: css({ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: theme.spacing(2) }),
  title: css({ margin: 0, fontSize: theme.typography.h3.fontSize }),
  grid: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 340px), 1fr))',
    gap: theme.spacing(2),
  }),
  card: css({
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(2),
    minWidth: 0,
    overflowWrap: 'anywhere',
  }),
  cardTitle: css({ fontSize: theme.typography.h5.fontSize, margin: theme.spacing(0, 0, 1) }),
  facts: css({
    display: 'grid',
    gridTemplateColumns: 'minmax(80px, max-content) minmax(0, 1fr)',
    gap: theme.spacing(0.5, 1.5),
    '& dt': { color: theme.colors.text.secondary },
    '& dd': { margin: 0, minWidth: 0 },
  }),
  code: css({ fontFamily: theme.typography.fontFamilyMonospace, overflowWrap: 'anywhere' }),
  values: css({ margin: 0, paddingLeft: theme.spacing(2), fontSize: theme.typography.bodySmall.fontSize }),
  muted: css({ color: theme.colors.text.secondary }),
});
