import { parseDuration } from '../../alerts/silence-request';
import { type CollectorTransport, CollectorError, type HttpMethod } from '../collector-transport';
import type {
  Alert,
  EscalationEntry,
  FeedEvent,
  HealthReport,
  HistoryPoint,
  Incident,
  IncidentDetail,
  KpiCatalog,
  Silence,
  SilenceRequest,
} from '../collector-types';

/** What the fake collector holds; tests fill the parts they need. */
export interface FakeCollectorState {
  alerts: Alert[];
  events: FeedEvent[];
  incidents: Incident[];
  details: Record<string, Omit<IncidentDetail, 'incident'>>;
  escalations: EscalationEntry[];
  silences: Silence[];
  catalog?: KpiCatalog;
  history: Record<string, HistoryPoint[]>;
  health?: HealthReport;
}

export interface RecordedRequest {
  method: HttpMethod;
  path: string;
  body?: unknown;
}

/**
 * An in-memory stand-in for the collector's HTTP API (the alert endpoints are the shape of the
 * shared brief), for the panel and page tests: answers reads from its state, applies
 * acknowledge / resolve / silence to it, records every request, and answers 404 like the
 * collector for unknown paths and ids. `failing` makes chosen paths fail with a collector error.
 * Silences start at `now` and last their `duration`, as the collector makes them.
 */
export class FakeCollector implements CollectorTransport {
  readonly requests: RecordedRequest[] = [];
  readonly failing = new Map<string, CollectorError>();
  /** The collector's clock (epoch ms) for new silences. */
  now = Date.UTC(2026, 2, 1, 12);
  state: FakeCollectorState;

  constructor(state: Partial<FakeCollectorState> = {}) {
    this.state = {
      alerts: [],
      events: [],
      incidents: [],
      details: {},
      escalations: [],
      silences: [],
      history: {},
      ...state,
    };
  }

  async request<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
    this.requests.push({ method, path, body });
    const [pathname = '', search = ''] = path.split('?');
    const failure = this.failing.get(`${method} ${pathname}`);
    if (failure) {
      throw failure;
    }
    return this.route(method, pathname, new URLSearchParams(search), body) as T;
  }

  private route(method: HttpMethod, path: string, query: URLSearchParams, body: unknown): unknown {
    const s = this.state;
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/api/v1/alerts') {
      return { alerts: s.alerts.filter((a) => !query.get('state') || a.state === query.get('state')) };
    }
    if (method === 'POST' && (m = /^\/api\/v1\/alerts\/([^/]+)\/(ack|resolve)$/.exec(path))) {
      const alert = this.alert(decodeURIComponent(m[1]!));
      const updated: Alert =
        m[2] === 'ack'
          ? { ...alert, state: 'acknowledged', acknowledgedAt: 1, acknowledgedBy: 'test-token' }
          : { ...alert, state: 'resolved', resolvedAt: 1 };
      s.alerts = s.alerts.map((a) => (a.fingerprint === alert.fingerprint ? updated : a));
      return { alert: updated };
    }
    if (method === 'GET' && path === '/api/v1/feed') {
      return { events: s.events };
    }
    if (method === 'GET' && path === '/api/v1/incidents') {
      return { incidents: s.incidents };
    }
    if (method === 'GET' && (m = /^\/api\/v1\/incidents\/([^/]+)$/.exec(path))) {
      const incident = this.incident(decodeURIComponent(m[1]!));
      return { incident, ...(s.details[incident.id] ?? { escalation: { level: 0, paged: [] }, history: [] }) };
    }
    if (method === 'POST' && (m = /^\/api\/v1\/incidents\/([^/]+)\/(ack|resolve)$/.exec(path))) {
      const incident = this.incident(decodeURIComponent(m[1]!));
      const updated: Incident = { ...incident, state: m[2] === 'ack' ? 'acknowledged' : 'resolved' };
      s.incidents = s.incidents.map((i) => (i.id === incident.id ? updated : i));
      return { incident: updated };
    }
    if (method === 'GET' && path === '/api/v1/silences') {
      return { silences: s.silences };
    }
    if (method === 'POST' && path === '/api/v1/silences') {
      const request = body as SilenceRequest;
      const startsAt = this.now;
      const silence: Silence = {
        id: `silence-${s.silences.length + 1}`,
        matchers: request.matchers,
        startsAt,
        endsAt: startsAt + parseDuration(request.duration),
        createdBy: request.user ? `${request.user} (via test-token)` : 'test-token',
        comment: request.comment,
        status: 'active',
      };
      s.silences = [...s.silences, silence];
      return { silence };
    }
    if (method === 'GET' && path === '/api/v1/escalations') {
      return { escalations: s.escalations };
    }
    if (method === 'GET' && path === '/api/v1/kpis' && s.catalog) {
      return s.catalog;
    }
    if (method === 'GET' && (m = /^\/api\/v1\/kpis\/([^/]+)\/history$/.exec(path))) {
      const points = s.history[decodeURIComponent(m[1]!)];
      if (points) {
        return { points };
      }
    }
    if (method === 'GET' && path === '/api/v1/health' && s.health) {
      return s.health;
    }
    throw new CollectorError(404, 'NOT_FOUND', `${method} ${path}: no such route or id`);
  }

  private alert(fingerprint: string): Alert {
    const alert = this.state.alerts.find((a) => a.fingerprint === fingerprint);
    if (!alert) {
      throw new CollectorError(404, 'NOT_FOUND', `no alert ${fingerprint}`);
    }
    return alert;
  }

  private incident(id: string): Incident {
    const incident = this.state.incidents.find((i) => i.id === id);
    if (!incident) {
      throw new CollectorError(404, 'NOT_FOUND', `no incident ${id}`);
    }
    return incident;
  }
}

/** An alert with every required field; override what the test is about. */
export function makeAlert(fingerprint: string, over: Partial<Alert> = {}): Alert {
  return {
    fingerprint,
    kpi: 'cash_position',
    ruleId: 'cash-warning',
    series: {},
    labels: { kpi: 'cash_position', rule: 'cash-warning', severity: 'warning' },
    severity: 'warning',
    category: 'financial',
    alertClass: 'warning',
    state: 'firing',
    summary: `Alert ${fingerprint}`,
    priority: 50,
    startsAt: Date.UTC(2026, 2, 1, 9),
    updatedAt: Date.UTC(2026, 2, 1, 9),
    ...over,
  };
}
