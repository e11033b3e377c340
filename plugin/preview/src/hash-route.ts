/** Where the preview page is: its views, addressed by the URL fragment so the static server needs no routes. */
export type PreviewRoute =
  | { view: 'overview' }
  | { view: 'kpi'; kpi: string }
  | { view: 'alerts' }
  | { view: 'kpis' }
  | { view: 'escalation' }
  | { view: 'health' };

/** `#/`, `#/kpi/revenue`, `#/alerts`…; anything unknown is the overview. */
export function parseRoute(hash: string): PreviewRoute {
  const path = hash.replace(/^#/, '').split('?')[0] ?? '';
  const parts = path.split('/').filter(Boolean);
  const [first, second] = parts;
  if (first === 'kpi' && second) {
    return { view: 'kpi', kpi: decodeURIComponent(second) };
  }
  if (first === 'alerts' || first === 'kpis' || first === 'escalation' || first === 'health') {
    return { view: first };
  }
  return { view: 'overview' };
}

export function routeHash(route: PreviewRoute): string {
  return route.view === 'kpi'
    ? `#/kpi/${encodeURIComponent(route.kpi)}`
    : route.view === 'overview'
      ? '#/'
      : `#/${route.view}`;
}

/**
 * The token handed over in the fragment (`#token=…`, as the demo prints it): the fragment never
 * reaches a server or its logs. Undefined when the fragment holds none.
 */
export function tokenFromHash(hash: string): string | undefined {
  const params = new URLSearchParams(hash.replace(/^#\/?/, ''));
  const token = params.get('token')?.trim();
  return token ? token : undefined;
}
