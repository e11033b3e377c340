/** Escalation: routing, levels, on-call, timers → Dispatch; and the stage's facade, IncidentManager. */
export { levelApplies, withinBusinessHours } from './business-hours';
export { Directory } from './directory';
export { newEscalationRecord, nextTimerAt, type EscalationRecord, type EscalationTrack, type PagedRecipient } from './escalation-record';
export { Escalator, firstApplicable, type CurrentEscalation, type EscalationInput, type EscalationStatus } from './escalator';
export { IncidentManager, type IncidentDetails, type IncidentManagerOptions, type IncidentStep, type SilenceView } from './incident-manager';
export type { IncidentChange, IncidentStateStore } from './incident-state-store';
export { InMemoryIncidentStateStore } from './in-memory-incident-state-store';
export { onCallAt, onCallShift, type OnCallShift } from './on-call';
export { matchRoutes, routeMatches, type MatchedRoute } from './routing';
export {
  SqlIncidentStateStore,
  type EscalationsTable,
  type IncidentAlertsTable,
  type IncidentsTable,
  type IncidentStateTables,
} from './sql-incident-state-store';
