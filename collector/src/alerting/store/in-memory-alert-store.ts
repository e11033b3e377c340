import { alertMatches, compareAlerts } from '../alert-filter';
import type { Alert, AlertTransition } from '../alert-model';
import type { StoredAlert, StoredTransition } from '../lifecycle/alert-lifecycle';
import type { AlertChanges, AlertEngineSnapshot, AlertListQuery, AlertStore, RuleStateRow } from './alert-store';

/**
 * The AlertStore in memory, for tests and tools. Values are copied in and out through JSON, as a
 * database would, so callers never share objects with it.
 */
export class InMemoryAlertStore implements AlertStore {
  private readonly alerts = new Map<string, StoredAlert>();
  private readonly transitions = new Map<string, StoredTransition[]>();
  private readonly ruleStates = new Map<string, RuleStateRow>();

  async apply(changes: AlertChanges): Promise<void> {
    const c = copy(changes);
    for (const stale of c.staleRuleStates) {
      for (const [key, row] of this.ruleStates) {
        if (row.ruleKey === stale.ruleKey && (stale.keepVersion === undefined || row.version !== stale.keepVersion)) this.ruleStates.delete(key);
      }
    }
    for (const entry of c.history) {
      const list = this.transitions.get(entry.transition.fingerprint) ?? [];
      if (!list.some((e) => e.seq === entry.seq && e.transition.at === entry.transition.at)) list.push(entry);
      this.transitions.set(entry.transition.fingerprint, list);
    }
    for (const stored of c.alerts) this.alerts.set(stored.alert.fingerprint, stored);
    for (const r of c.ruleStates) {
      const key = `${r.ruleKey}\u0000${r.series}`;
      if (r.persisted === undefined) this.ruleStates.delete(key);
      else this.ruleStates.set(key, { ruleKey: r.ruleKey, version: r.version, series: r.series, persisted: r.persisted });
    }
  }

  async load(options: { resolvedSince: number }): Promise<AlertEngineSnapshot> {
    const alerts = [...this.alerts.values()].filter(
      (s) => s.alert.state !== 'resolved' || s.alert.updatedAt >= options.resolvedSince || s.lifecycle.manuallyResolved,
    );
    return copy({ alerts, ruleStates: [...this.ruleStates.values()] });
  }

  async listAlerts(query: AlertListQuery = {}): Promise<Alert[]> {
    const list = [...this.alerts.values()].map((s) => s.alert).filter((a) => alertMatches(a, query));
    return copy(list.sort(compareAlerts).slice(0, query.limit ?? 500));
  }

  async getAlert(fingerprint: string): Promise<{ alert: Alert; history: AlertTransition[] } | undefined> {
    const stored = this.alerts.get(fingerprint);
    if (stored === undefined) return undefined;
    return { alert: copy(stored.alert), history: await this.history(fingerprint) };
  }

  async history(fingerprint: string): Promise<AlertTransition[]> {
    const list = [...(this.transitions.get(fingerprint) ?? [])].sort((a, b) => a.transition.at - b.transition.at || a.seq - b.seq);
    return copy(list.map((e) => e.transition));
  }
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
