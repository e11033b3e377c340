import type { Alert } from '../alerting/alert-model';
import type { ChannelName, NotificationSettings, Receivers } from '../config/notification-settings-schema';

type Routing = NotificationSettings['routing'];
type RouteMatch = Routing['routes'][number]['match'];

/** A route an incident matched: who to tell (receivers and/or an escalation policy) on which channels. */
export interface MatchedRoute {
  /** Stable name of the route: its `name`, or `routes[i]`, or `default`. */
  readonly key: string;
  readonly receivers?: Receivers;
  readonly escalation?: string;
  readonly channels?: readonly ChannelName[];
}

/**
 * The routes of an incident, in order: a route matches when one of the alerts matches every field
 * it gives (severity, category, kpi, team label; a list matches any of its values). The first match
 * wins unless it says `continue: true`. Nothing matched: the default route.
 */
export function matchRoutes(alerts: readonly Alert[], routing: Routing): MatchedRoute[] {
  const matched: MatchedRoute[] = [];
  for (const [i, route] of routing.routes.entries()) {
    if (!alerts.some((alert) => routeMatches(route.match, alert))) continue;
    matched.push(target(route.name ?? `routes[${i}]`, route));
    if (!route.continue) break;
  }
  return matched.length > 0 ? matched : [target('default', routing.default)];
}

/** The keys (see `MatchedRoute.key`) of the routes that start the escalation policy `policyId`. */
export function routeKeysOfPolicy(routing: Routing, policyId: string): string[] {
  const keys = routing.routes.flatMap((route, i) => (route.escalation === policyId ? [route.name ?? `routes[${i}]`] : []));
  return routing.default.escalation === policyId ? [...keys, 'default'] : keys;
}

export function routeMatches(match: RouteMatch, alert: Alert): boolean {
  const team = alert.labels['team'];
  return (
    (match.severity === undefined || match.severity.includes(alert.severity)) &&
    (match.category === undefined || match.category.includes(alert.category)) &&
    (match.kpi === undefined || match.kpi.includes(alert.kpi)) &&
    (match.team === undefined || (team !== undefined && match.team.includes(team)))
  );
}

function target(
  key: string,
  route: { receivers?: Receivers; escalation?: string; channels?: readonly ChannelName[] },
): MatchedRoute {
  return {
    key,
    ...(route.receivers === undefined ? {} : { receivers: route.receivers }),
    ...(route.escalation === undefined ? {} : { escalation: route.escalation }),
    ...(route.channels === undefined ? {} : { channels: route.channels }),
  };
}
