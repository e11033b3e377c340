import { dateTime, type DataFrame, EventBusSrv, LoadingState, type PanelProps } from '@grafana/data';
import { interpolator } from './interpolate';

const eventBus = new EventBusSrv();
const replaceVariables = interpolator({});

/** PanelProps for a panel mounted outside Grafana: its frames as a finished query over the `days` before `now`. */
export function previewPanelProps<T>(
  options: T,
  frames: DataFrame[],
  size: { width: number; height: number },
  now: number,
  days = 30
): PanelProps<T> {
  const timeRange = {
    from: dateTime(now - days * 86_400_000),
    to: dateTime(now),
    raw: { from: `now-${days}d`, to: 'now' },
  };
  return {
    id: 0,
    data: { state: LoadingState.Done, series: frames, timeRange },
    timeRange,
    timeZone: 'browser',
    options,
    fieldConfig: { defaults: {}, overrides: [] },
    transparent: false,
    width: size.width,
    height: size.height,
    renderCounter: 0,
    title: '',
    eventBus,
    replaceVariables,
    onOptionsChange: () => undefined,
    onFieldConfigChange: () => undefined,
    onChangeTimeRange: () => undefined,
  };
}
