import React, { useState } from 'react';
import { dateTimeFormatTimeAgo } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert as AlertBox, Badge, Input, useStyles2 } from '@grafana/ui';
import { useCollector } from '../../collector/CollectorContext';
import type { KpiEntry } from '../../collector/collector-types';
import { useCollectorQuery } from '../../collector/useCollectorQuery';
import { describePerPeriod, describeThresholds, formatKpiValue } from '../../kpi/kpi-format';
import { statusFromBounds, statusLabel, type KpiStatus } from '../../kpi/kpi-status';
import { testIds } from '../../testIds';
import { getPageStyles } from '../page-styles';

const STATUS_BADGE: Record<KpiStatus, 'green' | 'orange' | 'red' | 'darkgrey'> = {
  ok: 'green',
  warning: 'orange',
  critical: 'red',
  unknown: 'darkgrey',
};

/** True when the KPI's id, name, category, source or description contains the text (any case). */
export function kpiMatches(kpi: KpiEntry, text: string): boolean {
  const wanted = text.trim().toLowerCase();
  return (
    wanted === '' ||
    [kpi.id, kpi.name, kpi.category, kpi.source, kpi.description].some((s) => s.toLowerCase().includes(wanted))
  );
}

/**
 * KPI catalog: every KPI of metrics_config.json with its definition, formula, target and budget,
 * thresholds, rules and its current value and status (GET /api/v1/kpis).
 */
export function KpiCatalogPage() {
  const { client } = useCollector();
  const styles = useStyles2(getPageStyles);
  const [search, setSearch] = useState('');
  const catalog = useCollectorQuery(() => client.kpis(), [client], 30_000);
  const kpis = (catalog.value?.kpis ?? []).filter((k) => kpiMatches(k, search));
  return (
    <PluginPage>
      <div className={styles.page} data-testid={testIds.kpiCatalog.root}>
        <Input
          placeholder="Search KPIs"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          data-testid={testIds.kpiCatalog.search}
          aria-label="Search KPIs"
        />
        {catalog.error && (
          <AlertBox severity="error" title="The KPI catalog could not be loaded">
            {catalog.error.message}
          </AlertBox>
        )}
        {catalog.value && (
          <div className={styles.muted}>
            {catalog.value.company.name} · reporting currency {catalog.value.company.reportingCurrency} ·{' '}
            {catalog.value.company.timezone} · {kpis.length} of {catalog.value.kpis.length} KPIs
          </div>
        )}
        <div className={styles.grid}>
          {kpis.map((kpi) => (
            <KpiCard key={kpi.id} kpi={kpi} />
          ))}
        </div>
      </div>
    </PluginPage>
  );
}

function KpiCard({ kpi }: { kpi: KpiEntry }) {
  const styles = useStyles2(getPageStyles);
  const status = kpi.current ? statusFromBounds(kpi.current.value, kpi.thresholds) : 'unknown';
  const target = describePerPeriod(kpi.target, kpi.unit, kpi.decimals);
  const budget = describePerPeriod(kpi.budget, kpi.unit, kpi.decimals);
  const thresholds = describeThresholds(kpi.thresholds, kpi.unit, kpi.decimals);
  return (
    <article className={styles.card} data-testid={testIds.kpiCatalog.row(kpi.id)}>
      <h3 className={styles.cardTitle}>{kpi.name}</h3>
      <div className={styles.row}>
        <Badge
          color={STATUS_BADGE[status]}
          text={kpi.thresholds ? statusLabel(status) : 'no thresholds'}
          data-testid={testIds.kpiCatalog.status(kpi.id)}
          data-status={status}
        />
        <span className={styles.code}>{kpi.id}</span>
        <span className={styles.muted}>{kpi.category}</span>
      </div>
      <p>{kpi.description}</p>
      <dl className={styles.facts}>
        <dt>Current</dt>
        <dd>
          {kpi.current ? (
            <>
              <strong>{formatKpiValue(kpi.current.value, kpi.unit, kpi.decimals)}</strong>{' '}
              <span className={styles.muted}>{dateTimeFormatTimeAgo(kpi.current.time)}</span>
            </>
          ) : (
            'no data yet'
          )}
        </dd>
        {kpi.formula && (
          <>
            <dt>Formula</dt>
            <dd className={styles.code}>{kpi.formula}</dd>
          </>
        )}
        {target && (
          <>
            <dt>Target</dt>
            <dd>{target}</dd>
          </>
        )}
        {budget && (
          <>
            <dt>Budget</dt>
            <dd>{budget}</dd>
          </>
        )}
        {thresholds && (
          <>
            <dt>Thresholds</dt>
            <dd>{thresholds}</dd>
          </>
        )}
        <dt>Better is</dt>
        <dd>{(kpi.direction ?? 'higher_is_better').replace(/_/g, ' ')}</dd>
        <dt>Source</dt>
        <dd>
          {kpi.source} · every {kpi.cadence} · {kpi.kind}
        </dd>
        {kpi.dimensions.length > 0 && (
          <>
            <dt>Dimensions</dt>
            <dd>{kpi.dimensions.join(', ')}</dd>
          </>
        )}
        {kpi.rules && kpi.rules.length > 0 && (
          <>
            <dt>Rules</dt>
            <dd>
              {kpi.rules
                .map((r, i) => `${r.id ?? `${r.type}-${i}`} (${r.type}${r.severity ? `, ${r.severity}` : ''})`)
                .join(', ')}
            </dd>
          </>
        )}
      </dl>
    </article>
  );
}

export default KpiCatalogPage;
