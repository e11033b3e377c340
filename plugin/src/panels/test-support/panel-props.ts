import {
  type DataFrame,
  EventBusSrv,
  getDefaultTimeRange,
  type InterpolateFunction,
  LoadingState,
  type PanelProps,
} from '@grafana/data';

/**
 * PanelProps as Grafana passes them to a panel, for the panel tests: the given frames as a
 * finished query, a default time range, a fixed size and a variable interpolation that knows the
 * scoped vars plus `vars`.
 */
export function panelProps<T>(
  options: T,
  series: DataFrame[] = [],
  vars: Record<string, string> = {},
  size = { width: 320, height: 260 }
): PanelProps<T> {
  const timeRange = getDefaultTimeRange();
  const replaceVariables: InterpolateFunction = (text, scoped) =>
    text.replace(/\$\{(\w+)\}/g, (_m, name: string) => String(scoped?.[name]?.value ?? vars[name] ?? `\${${name}}`));
  return {
    id: 1,
    data: { state: LoadingState.Done, series, timeRange },
    timeRange,
    timeZone: 'utc',
    options,
    fieldConfig: { defaults: {}, overrides: [] },
    transparent: false,
    width: size.width,
    height: size.height,
    renderCounter: 1,
    title: 'panel',
    eventBus: new EventBusSrv(),
    replaceVariables,
    onOptionsChange: () => undefined,
    onFieldConfigChange: () => undefined,
    onChangeTimeRange: () => undefined,
  };
}
