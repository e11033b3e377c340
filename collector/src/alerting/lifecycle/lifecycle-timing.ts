/**
 * Time constants of the alert lifecycle (epoch-ms durations), in one place.
 *
 * Flapping (after Nagios/Icinga flap detection, simplified to counts in a window): an alert that
 * changes state (fires or resolves) FLAP_START_CHANGES times within FLAP_WINDOW_MS is flapping —
 * its transitions carry `flapping: true` and notifications hold; it settles once it has not changed
 * state for FLAP_SETTLE_MS, announced by one update transition with `flapping: false` in the state
 * it settled in. Six changes are three fire/resolve cycles: with 5-minute data that is at least
 * 30 minutes of back and forth, with 15-minute data 90 minutes; hysteresis (`recoverAt`) keeps a
 * well-configured rule far below that.
 */
export const FLAP_WINDOW_MS = 6 * 3_600_000;
export const FLAP_START_CHANGES = 6;
export const FLAP_SETTLE_MS = 3_600_000;

/**
 * An event alert (milestone) stays firing this long before it resolves by itself: long enough for
 * consolidation's group wait to pick it up as one notification.
 */
export const EVENT_HOLD_MS = 10 * 60_000;

/** Resolved alerts stay in memory (for list queries, flapping and new cycles) this long. */
export const RESOLVED_RETENTION_MS = 24 * 3_600_000;
