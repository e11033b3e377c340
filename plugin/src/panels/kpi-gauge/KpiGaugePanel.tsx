import React, { type MouseEvent } from 'react';
import { css, cx } from '@emotion/css';
import {
  type Field,
  formattedValueToString,
  getDisplayProcessor,
  type GrafanaTheme2,
  locationUtil,
  type PanelProps,
  ThresholdsMode,
} from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { gaugeScale } from '../../kpi/gauge-geometry';
import {
  statusFromTarget,
  statusFromThresholdColor,
  statusColorName,
  statusLabel,
  targetAttainment,
  type KpiStatus,
} from '../../kpi/kpi-status';
import { formatDeltaRatio, periodDelta } from '../../kpi/period-delta';
import { activeStep, type ThresholdStep } from '../../kpi/threshold-steps';
import { fitTrend } from '../../kpi/trend-line';
import { testIds } from '../../testIds';
import { GaugeSvg } from './components/GaugeSvg';
import { Sparkline } from './components/Sparkline';
import { drilldownLink, type DrilldownLink } from './drilldown-link';
import { readGaugeData } from './frames';
import type { KpiGaugeOptions } from './types';

const TITLE_PX = 20;
const DELTA_PX = 20;

/**
 * The KPI gauge: current value against its target on a drawn arc coloured by the field's
 * thresholds (or by attainment of the target), the change against a comparison period, and a
 * sparkline with its trend line and the forecast band. Units and decimals come from the field
 * config through Grafana's display processor; a click follows the field's data link.
 */
export function KpiGaugePanel(props: PanelProps<KpiGaugeOptions>) {
  const { options, width, height } = props;
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const data = readGaugeData(props.data.series, options);
  const rootId = testIds.kpiGauge.root(options.kpiId || 'panel');

  if (data.value === undefined || !data.valueField) {
    return (
      <div className={styles.root} data-testid={rootId} data-status="unknown" style={{ width, height }}>
        <div className={styles.noData} data-testid={testIds.kpiGauge.noData}>
          No data
        </div>
      </div>
    );
  }

  const field = data.valueField;
  const format = field.display ?? getDisplayProcessor({ field, theme, timeZone: props.timeZone });
  const text = (v: number) => formattedValueToString(format(v));
  const configured = field.config;
  const rawSteps = configured.thresholds?.steps ?? [];
  const scaleWithout = gaugeScale({
    value: data.value,
    target: data.target,
    min: configured.min ?? undefined,
    max: configured.max ?? undefined,
  });
  const steps: ThresholdStep[] = rawSteps.map((s) => ({
    value:
      s.value === null || s.value === undefined || s.value === Number.NEGATIVE_INFINITY
        ? Number.NEGATIVE_INFINITY
        : configured.thresholds?.mode === ThresholdsMode.Percentage
          ? scaleWithout.min + ((scaleWithout.max - scaleWithout.min) * s.value) / 100
          : s.value,
    color: s.color,
  }));
  const hasThresholds = steps.length > 1;
  const scale = gaugeScale({
    value: data.value,
    target: data.target,
    min: configured.min ?? undefined,
    max: configured.max ?? undefined,
    steps: hasThresholds ? steps : [],
  });

  const active = hasThresholds ? activeStep(data.value, steps) : undefined;
  const status: KpiStatus = active
    ? statusFromThresholdColor(active.color)
    : data.target !== undefined
      ? statusFromTarget(data.value, data.target, options.direction, options)
      : 'unknown';
  const color = theme.visualization.getColorByName(active?.color ?? statusColorName(status));
  const cssSteps = steps.map((s) => ({ value: s.value, color: theme.visualization.getColorByName(s.color) }));

  const attainment =
    data.target !== undefined ? targetAttainment(data.value, data.target, options.direction) : undefined;
  const targetText =
    data.target !== undefined
      ? `Target ${text(data.target)}${attainment !== undefined && Number.isFinite(attainment) ? ` · ${Math.round(attainment * 100)} %` : ''}`
      : undefined;
  const delta = periodDelta(data.value, data.comparison, options.direction, data.target);
  const trend = options.showTrend ? fitTrend(data.series) : undefined;
  const forecast = options.showForecastBand ? data.forecast : [];
  const link = drilldownLink(field, data.valueIndex, options.kpiId, options.drilldownUrl, props.replaceVariables);

  const title = options.title || displayName(field);
  const sparkHeight = options.showSparkline && data.series.length > 1 ? Math.max(24, Math.round(height * 0.24)) : 0;
  const gaugeHeight = Math.max(40, height - TITLE_PX - (delta ? DELTA_PX : 0) - sparkHeight - 8);

  const body = (
    <>
      <div className={styles.title} title={title}>
        {title}
      </div>
      <GaugeSvg
        value={data.value}
        min={scale.min}
        max={scale.max}
        color={color}
        steps={cssSteps}
        target={data.target}
        valueText={text(data.value)}
        subText={targetText}
        trackColor={theme.colors.background.secondary}
        textColor={theme.colors.text.primary}
        secondaryTextColor={theme.colors.text.secondary}
        height={gaugeHeight}
      />
      {delta && (
        <div
          className={cx(styles.delta, styles[delta.tone])}
          data-testid={testIds.kpiGauge.delta}
          data-tone={delta.tone}
        >
          {delta.ratio !== undefined ? formatDeltaRatio(delta.ratio) : text(delta.absolute)} {options.comparisonLabel}
        </div>
      )}
      {sparkHeight > 0 && (
        <Sparkline
          series={data.series}
          forecast={forecast}
          trend={trend}
          width={Math.max(10, width - 8)}
          height={sparkHeight}
          lineColor={color}
          trendColor={theme.colors.text.secondary}
          bandColor={theme.visualization.getColorByName('blue')}
        />
      )}
      <span className={styles.srOnly} data-testid={testIds.kpiGauge.status}>
        {statusLabel(status)}
      </span>
    </>
  );

  return (
    <div className={styles.root} data-testid={rootId} data-status={status} style={{ width, height }}>
      {link ? (
        <a
          className={styles.link}
          href={link.href}
          target={link.target}
          aria-label={`${title}: ${text(data.value)}, ${statusLabel(status)}. ${link.title}`}
          data-testid={testIds.kpiGauge.link(options.kpiId || 'panel')}
          onClick={(event) => followLink(event, link)}
        >
          {body}
        </a>
      ) : (
        <div className={styles.link}>{body}</div>
      )}
    </div>
  );
}

function displayName(field: Field): string {
  return field.state?.displayName ?? field.config.displayName ?? field.config.displayNameFromDS ?? field.name;
}

/**
 * Follows a drill-down: the link's own handler when Grafana gave one; Grafana-internal paths
 * through the router (no page reload, template variables kept in the URL); anything else — other
 * sites, new tabs, modified clicks, fragment links — is left to the browser.
 */
function followLink(event: MouseEvent<HTMLAnchorElement>, link: DrilldownLink): void {
  if (link.onClick) {
    event.preventDefault();
    link.onClick(event);
    return;
  }
  const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0;
  if (modified || link.target === '_blank' || !link.href.startsWith('/')) {
    return;
  }
  event.preventDefault();
  locationService.push(locationUtil.stripBaseFromUrl(link.href));
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ display: 'flex', flexDirection: 'column', overflow: 'hidden', boxSizing: 'border-box' }),
  link: css({
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'stretch',
    height: '100%',
    color: 'inherit',
    textDecoration: 'none',
    borderRadius: theme.shape.radius.default,
    cursor: 'pointer',
    '&:hover': { background: theme.colors.action.hover },
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.main}` },
  }),
  title: css({
    height: TITLE_PX,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
    textAlign: 'center',
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  delta: css({
    height: DELTA_PX,
    fontSize: theme.typography.bodySmall.fontSize,
    textAlign: 'center',
    whiteSpace: 'nowrap',
    overflow: 'hidden',
  }),
  good: css({ color: theme.colors.success.text }),
  bad: css({ color: theme.colors.error.text }),
  neutral: css({ color: theme.colors.text.secondary }),
  noData: css({ margin: 'auto', color: theme.colors.text.secondary }),
  srOnly: css({
    position: 'absolute',
    width: 1,
    height: 1,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
  }),
});
