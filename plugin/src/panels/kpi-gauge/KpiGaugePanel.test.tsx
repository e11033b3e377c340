import React from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { createTheme, FieldType, ThresholdsMode, toDataFrame, type FieldConfig } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { testIds } from '../../testIds';
import { panelProps } from '../test-support/panel-props';
import { DEFAULT_KPI_GAUGE_OPTIONS } from './constants';
import { KpiGaugePanel } from './KpiGaugePanel';
import type { KpiGaugeOptions } from './types';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);

function frame(refId: string, values: number[], config: FieldConfig = {}, name = 'Value') {
  return toDataFrame({
    refId,
    fields: [
      { name: 'Time', type: FieldType.time, values: values.map((_, i) => T0 + i * DAY) },
      { name, type: FieldType.number, values, config },
    ],
  });
}

const options = (over: Partial<KpiGaugeOptions> = {}): KpiGaugeOptions => ({
  ...DEFAULT_KPI_GAUGE_OPTIONS,
  kpiId: 'revenue',
  ...over,
});

describe('KpiGaugePanel', () => {
  it('shows value, target attainment, delta, sparkline with trend, and status from the target', () => {
    const series = [
      frame('A', [150_000, 155_000, 158_000, 160_000], {
        unit: 'currencyUSD',
        decimals: 0,
        displayName: 'Revenue today',
      }),
      frame('T', [165_000]),
      frame('C', [150_000]),
    ];
    render(<KpiGaugePanel {...panelProps(options(), series)} />);
    const root = screen.getByTestId(testIds.kpiGauge.root('revenue'));
    expect(root).toHaveAttribute('data-status', 'ok');
    expect(within(root).getByTestId(testIds.kpiGauge.value)).toHaveTextContent('$160K');
    expect(within(root).getByTestId(testIds.kpiGauge.target)).toHaveTextContent('Target $165K · 97 %');
    expect(within(root).getByTestId(testIds.kpiGauge.delta)).toHaveTextContent('+6.7 % vs previous period');
    expect(within(root).getByTestId(testIds.kpiGauge.delta)).toHaveAttribute('data-tone', 'good');
    expect(within(root).getByTestId(testIds.kpiGauge.sparkline)).toBeInTheDocument();
    expect(within(root).getByTestId(testIds.kpiGauge.trend)).toBeInTheDocument();
    expect(within(root).queryByTestId(testIds.kpiGauge.band)).not.toBeInTheDocument();
    expect(screen.getByText('Revenue today')).toBeInTheDocument();
  });

  it('colours and rates the value by the field’s thresholds when they are configured', () => {
    const thresholds = {
      mode: ThresholdsMode.Absolute,
      steps: [
        { value: -Infinity, color: 'red' },
        { value: 4_000_000, color: 'orange' },
        { value: 6_000_000, color: 'green' },
      ],
    };
    render(
      <KpiGaugePanel
        {...panelProps(options({ kpiId: 'cash_position' }), [
          frame('A', [5_000_000, 4_200_000], { thresholds, unit: 'currencyUSD', decimals: 0 }),
        ])}
      />
    );
    const root = screen.getByTestId(testIds.kpiGauge.root('cash_position'));
    expect(root).toHaveAttribute('data-status', 'warning');
    expect(within(root).getByTestId(testIds.kpiGauge.status)).toHaveTextContent('Needs attention');
    // the value arc in the active step's colour; the ring has one segment per step
    const theme = createTheme();
    expect(within(root).getByTestId(testIds.kpiGauge.arc)).toHaveAttribute(
      'stroke',
      theme.visualization.getColorByName('orange')
    );
    const ringColours = [...root.querySelectorAll('path[stroke-width="4"]')].map((p) => p.getAttribute('stroke'));
    expect(ringColours).toEqual(['red', 'orange', 'green'].map((c) => theme.visualization.getColorByName(c)));
  });

  it('marks a lower-is-better KPI that rose as bad news', () => {
    render(
      <KpiGaugePanel
        {...panelProps(options({ kpiId: 'dso', direction: 'lower_is_better', comparisonLabel: 'vs last month' }), [
          frame('A', [48, 52]),
          frame('C', [48]),
        ])}
      />
    );
    const delta = screen.getByTestId(testIds.kpiGauge.delta);
    expect(delta).toHaveAttribute('data-tone', 'bad');
    expect(delta).toHaveTextContent('+8.3 % vs last month');
  });

  it('draws the forecast band from the F query when enabled, and hides it when not', () => {
    const series = [
      frame('A', [10, 11, 12]),
      frame('F', [13, 14], {}, 'yhat'),
      frame('F', [11, 12], {}, 'lo80'),
      frame('F', [15, 16], {}, 'hi80'),
    ];
    const { unmount } = render(<KpiGaugePanel {...panelProps(options(), series)} />);
    expect(screen.getByTestId(testIds.kpiGauge.band)).toBeInTheDocument();
    unmount();
    render(<KpiGaugePanel {...panelProps(options({ showForecastBand: false, showTrend: false }), series)} />);
    expect(screen.queryByTestId(testIds.kpiGauge.band)).not.toBeInTheDocument();
    expect(screen.queryByTestId(testIds.kpiGauge.trend)).not.toBeInTheDocument();
  });

  it('drills down through the data link with template variables, inside Grafana’s router', () => {
    const links = [{ title: 'Revenue detail', url: '/d/finmon-kpi-detail/kpi?var-kpi=${kpi}&var-region=${region}' }];
    render(<KpiGaugePanel {...panelProps(options(), [frame('A', [1, 2], { links })], { region: 'emea' })} />);
    const link = screen.getByTestId(testIds.kpiGauge.link('revenue'));
    expect(link).toHaveAttribute('href', '/d/finmon-kpi-detail/kpi?var-kpi=revenue&var-region=emea');
    fireEvent.click(link);
    expect(locationService.getLocation().pathname).toBe('/d/finmon-kpi-detail/kpi');
    expect(locationService.getSearchObject()).toMatchObject({ 'var-kpi': 'revenue', 'var-region': 'emea' });
  });

  it('shows "No data" without a value and renders without a link when none is configured', () => {
    const { unmount } = render(<KpiGaugePanel {...panelProps(options(), [])} />);
    expect(screen.getByTestId(testIds.kpiGauge.noData)).toHaveTextContent('No data');
    expect(screen.getByTestId(testIds.kpiGauge.root('revenue'))).toHaveAttribute('data-status', 'unknown');
    unmount();
    render(<KpiGaugePanel {...panelProps(options(), [frame('A', [3])])} />);
    expect(screen.queryByTestId(testIds.kpiGauge.link('revenue'))).not.toBeInTheDocument();
    expect(screen.getByTestId(testIds.kpiGauge.root('revenue'))).toHaveAttribute('data-status', 'unknown');
    expect(screen.queryByTestId(testIds.kpiGauge.sparkline)).not.toBeInTheDocument();
  });
});
