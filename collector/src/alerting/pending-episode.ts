import type { AlertTransition } from './alert-model';

/**
 * Whether a transition belongs to a pending episode: a condition that started (→ pending) or that
 * cleared before its `for` elapsed (pending → resolved). Nobody is told of these: Alertmanager
 * never sees pending alerts, and a news feed of conditions that came and went within their grace
 * period is noise. A condition that flaps around its threshold produces many of them, so they are
 * saved with the rules' periodic state save rather than one write each.
 */
export function isPendingEpisode(transition: AlertTransition): boolean {
  return transition.to === 'pending' || (transition.from === 'pending' && transition.to === 'resolved');
}

/** The transitions people hear of (everything but pending episodes). */
export function newsworthy(transitions: readonly AlertTransition[]): AlertTransition[] {
  return transitions.filter((t) => !isPendingEpisode(t));
}
