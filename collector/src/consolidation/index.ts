/** Consolidation: alerts → incidents (group, correlate), muted by silences, windows, inhibition. */
export { compileConsolidation, defaultConsolidation, type ConsolidationConfig, type GroupTimingMs } from './consolidation-config';
export { Consolidator, type FlushResult, type GroupNotification } from './consolidator';
export { firedTogether, related } from './correlation';
export { groupKeyOf } from './group-key';
export { buildIncident, incidentId, type IncidentRecord } from './incident-record';
export { Inhibitor } from './inhibition';
export { InMemorySilenceStore } from './in-memory-silence-store';
export { kpiRelationsFromCatalog, NO_KPI_RELATIONS, type KpiRelations } from './kpi-relations';
export { MaintenanceMuter } from './maintenance-windows';
export { alertLabels, compileMatcher, compileMatchers, formatMatchers } from './matchers';
export { composeMuters, describeMute, flappingMuter, type Muter, type MuteReason } from './muter';
export { needsUpdate, type NotificationLog } from './needs-update';
export { compareIncidents, incidentPriority } from './priority';
export type { SilenceStore } from './silence-store';
export { newSilenceSchema, SilenceMuter, silenceStatus, validateNewSilence, type NewSilence, type Silence, type SilenceStatus } from './silences';
export { SqlSilenceStore, type SilencesTable } from './sql-silence-store';
