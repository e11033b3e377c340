import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert as AlertBox, useStyles2 } from '@grafana/ui';
import type { KpiEntry } from '../../src/collector/collector-types';
import { AlertFeedPanel } from '../../src/panels/alert-feed/AlertFeedPanel';
import { DEFAULT_ALERT_FEED_OPTIONS } from '../../src/panels/alert-feed/constants';
import { KpiGaugePanel } from '../../src/panels/kpi-gauge/KpiGaugePanel';
import { testIds } from '../../src/testIds';
import { headlineKpis } from './kpi-frames';
import { PanelBox } from './PanelBox';
import { previewPanelProps } from './panel-props';
import { useKpiGauges } from './useKpiGauges';

/** Tall enough for arc, delta and sparkline on a desktop card; shorter on a phone's half-width card. */
const GAUGE_HEIGHT = (width: number) => Math.round(Math.min(250, Math.max(170, width * 0.75 + 40)));

/** The Executive dashboard without Grafana: headline gauges (click one for its detail), then alert status and news feed. */
export function ExecutiveOverview(props: { kpis: KpiEntry[]; now: number }) {
  const styles = useStyles2(getStyles);
  const headline = headlineKpis(props.kpis);
  const gauges = useKpiGauges(headline, props.now);
  return (
    <div className={styles.page} data-testid={testIds.preview.overview}>
      {gauges.error && (
        <AlertBox severity="error" title="KPI history could not be loaded">
          {gauges.error.message}
        </AlertBox>
      )}
      <div className={styles.gauges}>
        {headline.map((kpi) => {
          const input = gauges.value?.[kpi.id];
          return (
            <PanelBox key={kpi.id} title={kpi.name} showTitle={false} height={GAUGE_HEIGHT}>
              {(size) =>
                input ? (
                  <KpiGaugePanel {...previewPanelProps(input.options, input.frames, size, props.now)} />
                ) : (
                  <div className={styles.loading}>Loading…</div>
                )
              }
            </PanelBox>
          );
        })}
      </div>
      <PanelBox title="Alert status and news feed" height={520}>
        {(size) => (
          <AlertFeedPanel
            {...previewPanelProps({ ...DEFAULT_ALERT_FEED_OPTIONS, refreshSeconds: 15 }, [], size, props.now)}
          />
        )}
      </PanelBox>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2), minWidth: 0 }),
  gauges: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(min(100%, 240px), 1fr))',
    gap: theme.spacing(2),
    [theme.breakpoints.down('sm')]: { gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', gap: theme.spacing(1) },
  }),
  loading: css({ color: theme.colors.text.secondary, padding: theme.spacing(2) }),
});
