/** The demo company source: a simulated "Northwind Robotics Inc." producing the catalog's KPIs. */
export { DemoCompany, DEMO_COMPANY_KPIS } from './demo-company';
export type { DemoCompanyOptions, GenerateOptions } from './demo-company';
export { defaultIncidentSpecs, incidentSpecSchema } from './incidents';
export type { Incident, IncidentKind, IncidentSeverity, IncidentSpec } from './incidents';
export { COMPANY_NAME, REPORTING_CURRENCY, TICKER } from './company-profile';
export { COMPANY_ZONE } from './calendar';
