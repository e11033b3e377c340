import type { Alert } from '../alerting/alert-model';
import type { InhibitRule } from '../config/consolidation-schema';
import type { KpiRelations } from './kpi-relations';
import { alertLabels, compileMatchers } from './matchers';
import type { Muter, MuteReason } from './muter';

/**
 * Inhibition: an active alert (firing or acknowledged) that matches a rule's `source` mutes the
 * alerts matching its `target` when they agree on the `equal` labels — Alertmanager's inhibitor —
 * plus two relations finance needs: the same series (a critical on account X mutes the warning on
 * account X, not on account Y) and data dependency (a failed source or stale KPI mutes what is
 * derived from its data). An alert never inhibits itself.
 *
 * Built from a snapshot of the active alerts; rebuild it when they change.
 */
export class Inhibitor implements Muter {
  private readonly rules: CompiledRule[];

  constructor(rules: readonly InhibitRule[], activeAlerts: readonly Alert[], private readonly relations: KpiRelations) {
    const active = activeAlerts.filter((a) => a.state === 'firing' || a.state === 'acknowledged');
    const labelled = active.map((alert) => ({ alert, labels: alertLabels(alert) }));
    this.rules = rules.map((rule) => {
      const isSource = compileMatchers(rule.source);
      const sources = new Map<string, Alert[]>();
      for (const { alert, labels } of labelled) {
        if (!isSource(labels)) continue;
        // With sameSeries, sources are also filed under their series, so a target looks up the
        // subsets of its own series instead of testing every source of its KPI.
        const key = equalKey(rule.equal, labels) + (rule.sameSeries ? seriesKey(alert.series) : '');
        const list = sources.get(key);
        if (list === undefined) sources.set(key, [alert]);
        else list.push(alert);
      }
      return { rule, isTarget: compileMatchers(rule.target), sources };
    });
  }

  mutes(alert: Alert): MuteReason | undefined {
    const labels = alertLabels(alert);
    for (const { rule, isTarget, sources } of this.rules) {
      if (sources.size === 0 || !isTarget(labels)) continue;
      const base = equalKey(rule.equal, labels);
      const keys = rule.sameSeries ? seriesSubsets(alert.series).map((sub) => base + sub) : [base];
      for (const key of keys) {
        const by = sources.get(key)?.find((source) => source.fingerprint !== alert.fingerprint && this.related(rule, source, alert));
        if (by !== undefined) return { kind: 'inhibition', rule: rule.name, by: by.fingerprint };
      }
    }
    return undefined;
  }

  private related(rule: InhibitRule, source: Alert, target: Alert): boolean {
    if (rule.sameSeries && !seriesContains(target.series, source.series)) return false;
    if (rule.dependsOn === 'source') {
      const failed = source.labels['source'];
      if (failed === undefined) return false;
      const targetSources = this.relations.knows(target.kpi)
        ? this.relations.sourcesOf(target.kpi)
        : new Set(target.labels['source'] === undefined ? [] : [target.labels['source']]);
      return targetSources.has(failed);
    }
    if (rule.dependsOn === 'kpi') {
      return (
        (target.kpi === source.kpi && seriesContains(target.series, source.series)) ||
        this.relations.isDerivedFrom(target.kpi, source.kpi)
      );
    }
    return true;
  }
}

interface CompiledRule {
  readonly rule: InhibitRule;
  readonly isTarget: (labels: Readonly<Record<string, string>>) => boolean;
  /** Source alerts by the values of the rule's `equal` labels. */
  readonly sources: Map<string, Alert[]>;
}

function equalKey(names: readonly string[], labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(names.map((n) => labels[n] ?? ''));
}

function seriesKey(series: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(series).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Keys of every subset of a series (the series a source may have to contain this one's); a
 * series has a handful of tags, so at most 2^n keys. More than 8 tags: only the empty and the
 * full series are tried.
 */
function seriesSubsets(series: Readonly<Record<string, string>>): string[] {
  const entries = Object.entries(series).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length > 8) return [JSON.stringify([]), JSON.stringify(entries)];
  const out: string[] = [];
  for (let mask = 0; mask < 1 << entries.length; mask++) {
    out.push(JSON.stringify(entries.filter((_, i) => (mask & (1 << i)) !== 0)));
  }
  return out;
}

/** Every tag of `inner` has the same value in `outer` (an empty series is contained in any). */
export function seriesContains(outer: Readonly<Record<string, string>>, inner: Readonly<Record<string, string>>): boolean {
  return Object.entries(inner).every(([k, v]) => outer[k] === v);
}
