import { type DataFrame, type Field, FieldType, getFieldDisplayName } from '@grafana/data';
import type { BandPoint } from '../../kpi/sparkline-geometry';
import type { TimePoint } from '../../kpi/trend-line';
import type { KpiGaugeOptions } from './types';

/** What the gauge shows, read from the panel's frames. */
export interface GaugeData {
  /** The value field (for display processor, links, thresholds) and its frame. */
  valueField?: Field;
  valueFrame?: DataFrame;
  /** Index of the last non-null value in the value field. */
  valueIndex?: number;
  value?: number;
  series: TimePoint[];
  target?: number;
  comparison?: number;
  forecast: BandPoint[];
}

/**
 * Reads the gauge's inputs from the frames by refId (InfluxQL returns one frame per selected
 * column, so each role may span several frames):
 * - value (valueRefId): the first numeric field of the first frame; its last non-null value is
 *   the current value, the whole series (with the frame's time field) the sparkline;
 * - target / comparison (targetRefId / comparisonRefId): the last non-null numeric value;
 * - forecast (forecastRefId): fields whose name or display name is, or ends with, the forecast,
 *   lower and upper band names (`yhat`, `lo80`, `hi80` by default), joined on time.
 * A fixed `options.target` is used when no target frame has a value.
 */
export function readGaugeData(frames: readonly DataFrame[], options: KpiGaugeOptions): GaugeData {
  const byRef = (refId: string) => frames.filter((f) => (f.refId ?? 'A') === refId);
  const valueFrames = byRef(options.valueRefId);
  const data: GaugeData = { series: [], forecast: [] };

  for (const frame of valueFrames) {
    const field = frame.fields.find((f) => f.type === FieldType.number);
    if (!field) {
      continue;
    }
    const time = frame.fields.find((f) => f.type === FieldType.time);
    data.valueField = field;
    data.valueFrame = frame;
    for (let i = 0; i < field.values.length; i++) {
      const v = toNumber(field.values[i]);
      if (v === undefined) {
        continue;
      }
      data.value = v;
      data.valueIndex = i;
      const t = time ? toNumber(time.values[i]) : undefined;
      if (t !== undefined) {
        data.series.push({ t, v });
      }
    }
    break;
  }

  data.target =
    lastNumber(byRef(options.targetRefId)) ??
    (options.target !== null && Number.isFinite(options.target) ? options.target : undefined);
  data.comparison = lastNumber(byRef(options.comparisonRefId));
  data.forecast = readForecast(byRef(options.forecastRefId), frames, options);
  return data;
}

function toNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') {
    return Number.isFinite(raw) ? raw : undefined;
  }
  if (raw instanceof Date) {
    return raw.getTime();
  }
  return undefined;
}

function lastNumber(frames: readonly DataFrame[]): number | undefined {
  let last: number | undefined;
  for (const frame of frames) {
    for (const field of frame.fields) {
      if (field.type !== FieldType.number) {
        continue;
      }
      for (const raw of field.values) {
        const v = toNumber(raw);
        if (v !== undefined) {
          last = v;
        }
      }
    }
  }
  return last;
}

/** True when the field is called `name`: its name, display name or the `measurement.column` tail. */
export function fieldIsNamed(field: Field, frame: DataFrame, frames: readonly DataFrame[], name: string): boolean {
  const wanted = name.toLowerCase();
  const names = [
    field.name,
    field.config.displayNameFromDS,
    field.config.displayName,
    getFieldDisplayName(field, frame, frames as DataFrame[]),
  ];
  return names.some((n) => {
    const lower = n?.toLowerCase();
    return lower === wanted || lower?.endsWith(`.${wanted}`) === true || lower?.endsWith(` ${wanted}`) === true;
  });
}

function readForecast(
  forecastFrames: readonly DataFrame[],
  all: readonly DataFrame[],
  options: KpiGaugeOptions
): BandPoint[] {
  const points = new Map<number, BandPoint>();
  const roles: Array<[keyof BandPoint, string]> = [
    ['mid', options.forecastField],
    ['lo', options.bandLowerField],
    ['hi', options.bandUpperField],
  ];
  for (const frame of forecastFrames) {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    if (!time) {
      continue;
    }
    for (const field of frame.fields) {
      if (field.type !== FieldType.number) {
        continue;
      }
      const role = roles.find(([, name]) => fieldIsNamed(field, frame, all, name))?.[0];
      if (!role) {
        continue;
      }
      for (let i = 0; i < field.values.length; i++) {
        const t = toNumber(time.values[i]);
        const v = toNumber(field.values[i]);
        if (t === undefined || v === undefined) {
          continue;
        }
        const point = points.get(t) ?? { t };
        point[role] = v;
        points.set(t, point);
      }
    }
  }
  return [...points.values()].sort((a, b) => a.t - b.t);
}
