import { z } from 'zod';
import type { Alert } from '../alerting/alert-model';
import { matcherSchema, type Matcher } from '../config/consolidation-schema';
import { ErrorCodes, FinmonError } from '../core/errors';
import { alertLabels, compileMatchers } from './matchers';
import type { Muter, MuteReason } from './muter';

/**
 * Silences: matchers with a start, an end (expiry), who made it and why. A silence is pending
 * before `startsAt`, active until `endsAt`, expired after; expiring one early sets `endsAt`.
 */

export interface Silence {
  readonly id: string;
  readonly matchers: readonly Matcher[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type SilenceStatus = 'pending' | 'active' | 'expired';

/** What a person (or the API) gives to create a silence; `startsAt` defaults to now. */
export interface NewSilence {
  readonly matchers: readonly Matcher[];
  readonly startsAt?: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
}

const instantSchema = z.number({ error: 'epoch milliseconds' }).int('epoch milliseconds (an integer)').nonnegative();

/** The shape of a new silence (the HTTP layer converts ISO times to epoch ms before). */
export const newSilenceSchema = z
  .object({
    matchers: z.array(matcherSchema).min(1, 'give at least one matcher'),
    startsAt: instantSchema.optional(),
    endsAt: instantSchema,
    createdBy: z.string().trim().min(1, 'say who creates the silence'),
    comment: z.string().trim().min(1, 'say why (a comment)'),
  })
  .strict();

/**
 * Checks a new silence: shape, matchers that compile, an end after the start and after `now`, and
 * at least one matcher that an alert without labels would fail (so no silence mutes everything).
 * @throws FinmonError SILENCE_INVALID (HTTP 400) naming each problem and its field.
 */
export function validateNewSilence(input: unknown, now: number): NewSilence & { startsAt: number } {
  const parsed = newSilenceSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'silence'}: ${i.message}`);
    throw invalidSilence(problems);
  }
  const s = parsed.data;
  const startsAt = s.startsAt ?? now;
  const problems: string[] = [];
  if (s.endsAt <= startsAt) problems.push(`endsAt: the silence ends (${iso(s.endsAt)}) before or when it starts (${iso(startsAt)})`);
  else if (s.endsAt <= now) problems.push(`endsAt: ${iso(s.endsAt)} is already past`);
  if (compileMatchers(s.matchers)({})) {
    problems.push('matchers: they match every alert; add one that names what to silence, e.g. { name: "kpi", value: "revenue" }');
  }
  if (problems.length > 0) throw invalidSilence(problems);
  return { ...s, startsAt };
}

function invalidSilence(problems: string[]): FinmonError {
  return new FinmonError(ErrorCodes.SILENCE_INVALID, `invalid silence: ${problems.join('; ')}`, 400);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function silenceStatus(silence: Silence, now: number): SilenceStatus {
  if (now < silence.startsAt) return 'pending';
  return now < silence.endsAt ? 'active' : 'expired';
}

/** Mutes the alerts an active silence matches; the reason names the silence ending last. */
export class SilenceMuter implements Muter {
  private readonly compiled: { silence: Silence; matches: (labels: Readonly<Record<string, string>>) => boolean }[];

  constructor(silences: readonly Silence[]) {
    this.compiled = silences.map((silence) => ({ silence, matches: compileMatchers(silence.matchers) }));
  }

  mutes(alert: Alert, now: number): MuteReason | undefined {
    let best: Silence | undefined;
    let labels: Readonly<Record<string, string>> | undefined;
    for (const { silence, matches } of this.compiled) {
      if (silenceStatus(silence, now) !== 'active') continue;
      labels ??= alertLabels(alert);
      if (matches(labels) && (best === undefined || silence.endsAt > best.endsAt)) best = silence;
    }
    return best === undefined ? undefined : { kind: 'silence', id: best.id, until: best.endsAt };
  }
}
