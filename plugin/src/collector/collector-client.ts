import type { CollectorTransport } from './collector-transport';
import type {
  Alert,
  AlertCategory,
  AlertState,
  EscalationEntry,
  FeedEvent,
  HealthReport,
  HistoryPoint,
  Incident,
  IncidentDetail,
  KpiCatalog,
  KpiEntry,
  Severity,
  Silence,
  SilenceRequest,
  AlertTransition,
} from './collector-types';

export interface AlertQuery {
  state?: AlertState;
  severity?: Severity;
  category?: AlertCategory;
  kpi?: string;
}

export interface FeedQuery {
  since?: string;
  severity?: Severity;
  category?: AlertCategory;
  limit?: number;
}

export interface HistoryQuery {
  from?: string;
  to?: string;
  series?: string;
}

/** Forecast points of a KPI (when the collector serves them): the forecast and its 80 % band. */
export interface ForecastPoint {
  time: string | number;
  yhat?: number;
  lo80?: number;
  hi80?: number;
}

/**
 * The collector's HTTP API as typed calls. Every page and panel talks to the collector through
 * this, so Grafana (proxied route) and the preview page (direct, with a token) share the code.
 */
export class CollectorClient {
  constructor(private readonly transport: CollectorTransport) {}

  listAlerts(query: AlertQuery = {}): Promise<{ alerts: Alert[] }> {
    return this.get(`/api/v1/alerts${queryString(query)}`);
  }

  getAlert(fingerprint: string): Promise<{ alert: Alert; history: AlertTransition[] }> {
    return this.get(`/api/v1/alerts/${encodeURIComponent(fingerprint)}`);
  }

  acknowledgeAlert(fingerprint: string, action: ActionBody = {}): Promise<{ alert: Alert }> {
    return this.transport.request('POST', `/api/v1/alerts/${encodeURIComponent(fingerprint)}/ack`, actionBody(action));
  }

  resolveAlert(fingerprint: string, action: ActionBody = {}): Promise<{ alert: Alert }> {
    return this.transport.request(
      'POST',
      `/api/v1/alerts/${encodeURIComponent(fingerprint)}/resolve`,
      actionBody(action)
    );
  }

  listIncidents(state?: string): Promise<{ incidents: Incident[] }> {
    return this.get(`/api/v1/incidents${queryString({ state })}`);
  }

  getIncident(id: string): Promise<IncidentDetail> {
    return this.get(`/api/v1/incidents/${encodeURIComponent(id)}`);
  }

  acknowledgeIncident(id: string, action: ActionBody = {}): Promise<{ incident: Incident }> {
    return this.transport.request('POST', `/api/v1/incidents/${encodeURIComponent(id)}/ack`, actionBody(action));
  }

  resolveIncident(id: string, action: ActionBody = {}): Promise<{ incident: Incident }> {
    return this.transport.request('POST', `/api/v1/incidents/${encodeURIComponent(id)}/resolve`, actionBody(action));
  }

  listSilences(includeExpired = false): Promise<{ silences: Silence[] }> {
    return this.get(`/api/v1/silences${includeExpired ? '?expired=true' : ''}`);
  }

  createSilence(silence: SilenceRequest): Promise<{ silence: Silence }> {
    return this.transport.request('POST', '/api/v1/silences', silence);
  }

  deleteSilence(id: string): Promise<unknown> {
    return this.transport.request('DELETE', `/api/v1/silences/${encodeURIComponent(id)}`);
  }

  listEscalations(): Promise<{ escalations: EscalationEntry[] }> {
    return this.get('/api/v1/escalations');
  }

  feed(query: FeedQuery = {}): Promise<{ events: FeedEvent[] }> {
    return this.get(`/api/v1/feed${queryString(query)}`);
  }

  kpis(): Promise<KpiCatalog> {
    return this.get('/api/v1/kpis');
  }

  kpi(id: string): Promise<KpiEntry> {
    return this.get(`/api/v1/kpis/${encodeURIComponent(id)}`);
  }

  kpiHistory(id: string, query: HistoryQuery = {}): Promise<{ points: HistoryPoint[] }> {
    return this.get(`/api/v1/kpis/${encodeURIComponent(id)}/history${queryString(query)}`);
  }

  kpiForecast(id: string): Promise<{ points: ForecastPoint[] }> {
    return this.get(`/api/v1/kpis/${encodeURIComponent(id)}/forecast`);
  }

  health(): Promise<HealthReport> {
    return this.get('/api/v1/health');
  }

  private get<T>(path: string): Promise<T> {
    return this.transport.request<T>('GET', path);
  }
}

/** The body of acknowledge / resolve: a comment, and the person acting when an integration acts for one. */
export interface ActionBody {
  comment?: string;
  user?: string;
}

function actionBody(action: ActionBody): ActionBody {
  return {
    ...(action.comment ? { comment: action.comment } : {}),
    ...(action.user ? { user: action.user } : {}),
  };
}

/** `?a=1&b=2` from the defined values, or '' when there are none. */
export function queryString(params: object): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params) as Array<[string, unknown]>) {
    if ((typeof value === 'string' && value !== '') || typeof value === 'number') {
      search.set(name, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
