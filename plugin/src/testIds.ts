/**
 * Every `data-testid` of the app, its panels and pages, in one place: the jest tests and the
 * browser test of the preview page (test/preview-browser.test.ts at the repository root) both
 * import it, so a renamed id breaks both at once instead of silently skipping a check.
 *
 * Ids that depend on a KPI or an alert are functions of its id or fingerprint.
 */
export const testIds = {
  appConfig: {
    collectorUrl: 'finmon-config-collector-url',
    collectorToken: 'finmon-config-collector-token',
    submit: 'finmon-config-submit',
  },
  kpiGauge: {
    root: (kpi: string) => `finmon-kpi-gauge-${kpi}`,
    link: (kpi: string) => `finmon-kpi-gauge-link-${kpi}`,
    value: 'finmon-kpi-gauge-value',
    target: 'finmon-kpi-gauge-target',
    delta: 'finmon-kpi-gauge-delta',
    status: 'finmon-kpi-gauge-status',
    arc: 'finmon-kpi-gauge-arc',
    sparkline: 'finmon-kpi-gauge-sparkline',
    trend: 'finmon-kpi-gauge-trend',
    band: 'finmon-kpi-gauge-band',
    noData: 'finmon-kpi-gauge-no-data',
  },
  alertFeed: {
    root: 'finmon-alert-feed',
    severityFilter: 'finmon-alert-feed-severity',
    categoryFilter: 'finmon-alert-feed-category',
    activeList: 'finmon-alert-feed-active',
    eventList: 'finmon-alert-feed-events',
    alert: (fingerprint: string) => `finmon-alert-${fingerprint}`,
    alertState: (fingerprint: string) => `finmon-alert-state-${fingerprint}`,
    acknowledge: (fingerprint: string) => `finmon-alert-ack-${fingerprint}`,
    silence: (fingerprint: string) => `finmon-alert-silence-${fingerprint}`,
    event: (index: number) => `finmon-feed-event-${index}`,
    error: 'finmon-alert-feed-error',
    empty: 'finmon-alert-feed-empty',
  },
  alertsPage: {
    root: 'finmon-page-alerts',
    incident: (id: string) => `finmon-incident-${id}`,
    incidentState: (id: string) => `finmon-incident-state-${id}`,
    acknowledge: (id: string) => `finmon-incident-ack-${id}`,
    resolve: (id: string) => `finmon-incident-resolve-${id}`,
    silence: (id: string) => `finmon-incident-silence-${id}`,
    timeline: 'finmon-incident-timeline',
    escalation: 'finmon-incident-escalation',
    error: 'finmon-page-alerts-error',
  },
  kpiCatalog: {
    root: 'finmon-page-kpis',
    row: (kpi: string) => `finmon-kpi-row-${kpi}`,
    status: (kpi: string) => `finmon-kpi-status-${kpi}`,
    search: 'finmon-kpi-search',
  },
  escalationPage: {
    root: 'finmon-page-escalation',
    row: (incident: string) => `finmon-escalation-${incident}`,
  },
  healthPage: {
    root: 'finmon-page-health',
    status: 'finmon-health-status',
    spool: 'finmon-health-spool',
    writer: 'finmon-health-writer',
    source: (id: string) => `finmon-health-source-${id}`,
    deliveries: 'finmon-health-deliveries',
  },
  preview: {
    root: 'finmon-preview',
    nav: 'finmon-preview-nav',
    overview: 'finmon-preview-overview',
    detail: (kpi: string) => `finmon-preview-detail-${kpi}`,
    detailTitle: 'finmon-preview-detail-title',
    back: 'finmon-preview-back',
    tokenForm: 'finmon-preview-token-form',
    tokenInput: 'finmon-preview-token-input',
    error: 'finmon-preview-error',
  },
} as const;
