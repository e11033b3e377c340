import type { AlertTransition } from '../../alerting/alert-model';
import { consolidationSchema } from '../../config/consolidation-schema';
import { compileConsolidation } from '../consolidation-config';
import { Consolidator } from '../consolidator';
import type { IncidentRecord } from '../incident-record';
import { Inhibitor } from '../inhibition';
import { kpiRelationsFromCatalog } from '../kpi-relations';
import { composeMuters, flappingMuter, type Muter } from '../muter';
import { exampleKpis, T0 } from './alert-fixtures';

const kpis = kpiRelationsFromCatalog(exampleKpis());

export interface Sent {
  at: number;
  reason: string;
  incident: string;
  alerts: string[];
  state: string;
  openedAt: number;
}

/**
 * A consolidator driven like the stage drives it: transitions at their times, flushes exactly when
 * scheduled (`advanceTo` jumps from one scheduled flush to the next), muting rebuilt per flush
 * (silences given, inhibition over the active alerts, flapping).
 */
export function harness(settings: Record<string, unknown> = {}, extra: Muter[] = []) {
  const config = compileConsolidation(consolidationSchema.parse(settings));
  let consolidator = new Consolidator(config, kpis);
  const sent: Sent[] = [];
  let clock = T0;
  const muter = () =>
    composeMuters([...extra, new Inhibitor(config.inhibit, consolidator.activeAlerts(), kpis), flappingMuter]);
  const flushDue = (now: number) => {
    for (const record of consolidator.due(now)) {
      const result = consolidator.flush(record, now, muter());
      consolidator.commit(result.record);
      const n = result.notification;
      if (n) {
        sent.push({ at: now, reason: n.reason, incident: n.incident.id, alerts: n.incident.alerts.map((a) => a.fingerprint), state: n.incident.state, openedAt: n.incident.openedAt });
      }
    }
  };
  const advanceTo = (t: number) => {
    for (let next = consolidator.nextFlushAt(); next !== undefined && next <= t; next = consolidator.nextFlushAt()) {
      clock = Math.max(clock, next);
      flushDue(clock);
    }
    clock = Math.max(clock, t);
  };
  return {
    get consolidator() {
      return consolidator;
    },
    sent,
    /** Runs every flush due up to `t`, then applies the transitions at `t` (and flushes what is due then). */
    at(t: number, ...transitions: AlertTransition[]) {
      advanceTo(t);
      for (const tr of transitions) consolidator.apply(tr, t);
      flushDue(t);
    },
    advanceTo,
    /** The muting a flush at `now` would apply. */
    muter,
    /** Rebuilds the consolidator from JSON copies of its records, as after a restart. */
    restart() {
      const records = JSON.parse(JSON.stringify(consolidator.records())) as IncidentRecord[];
      consolidator = new Consolidator(config, kpis, records);
    },
  };
}

