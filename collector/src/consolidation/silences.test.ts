import { ErrorCodes } from '../core/errors';
import { SilenceMuter, silenceStatus, validateNewSilence, type Silence } from './silences';
import { alert, HOUR, T0 } from './test-support/alert-fixtures';

const good = {
  matchers: [{ name: 'kpi', op: '=', value: 'revenue' }],
  endsAt: T0 + HOUR,
  createdBy: 'dana',
  comment: 'ERP migration',
};

describe('validateNewSilence', () => {
  it('accepts a silence and starts it now by default', () => {
    expect(validateNewSilence(good, T0)).toEqual({ ...good, startsAt: T0 });
  });

  it('defaults a matcher op to "="', () => {
    const { matchers } = validateNewSilence({ ...good, matchers: [{ name: 'kpi', value: 'revenue' }] }, T0);
    expect(matchers).toEqual([{ name: 'kpi', op: '=', value: 'revenue' }]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no matchers', { matchers: [] }, 'matchers: give at least one matcher'],
    ['a bad regex', { matchers: [{ name: 'kpi', op: '=~', value: '(' }] }, 'matchers.0.value: "(" is not a valid regular expression'],
    ['a bad label name', { matchers: [{ name: 'Kpi', value: 'x' }] }, 'matchers.0.name: a label name'],
    ['an unknown op', { matchers: [{ name: 'kpi', op: '==', value: 'x' }] }, 'matchers.0.op'],
    ['matchers that match everything', { matchers: [{ name: 'kpi', op: '=~', value: '.*' }] }, 'matchers: they match every alert'],
    ['an end before the start', { startsAt: T0 + 2 * HOUR }, 'endsAt: the silence ends'],
    ['an end in the past', { startsAt: T0 - 2 * HOUR, endsAt: T0 - HOUR }, 'is already past'],
    ['no creator', { createdBy: '  ' }, 'createdBy: say who creates the silence'],
    ['no comment', { comment: '' }, 'comment: say why'],
    ['an unknown field', { reason: 'x' }, 'silence: Unrecognized key'],
    ['a time as text', { endsAt: '2025-03-03T17:00:00Z' }, 'endsAt: epoch milliseconds'],
  ])('rejects %s with SILENCE_INVALID naming the field', (_, change, message) => {
    let error: unknown;
    try {
      validateNewSilence({ ...good, ...change }, T0);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: ErrorCodes.SILENCE_INVALID, httpStatus: 400 });
    expect((error as Error).message).toContain(message);
  });
});

describe('silences over time', () => {
  const silence = (id: string, startsAt: number, endsAt: number, value = 'revenue'): Silence => ({
    id,
    matchers: [{ name: 'kpi', op: '=', value }],
    startsAt,
    endsAt,
    createdBy: 'dana',
    comment: 'c',
    createdAt: T0,
    updatedAt: T0,
  });

  it.each([
    [T0 - 1, 'pending'],
    [T0, 'active'],
    [T0 + HOUR - 1, 'active'],
    [T0 + HOUR, 'expired'],
  ] as const)('at %d a silence from T0 to T0+1h is %s', (now, status) => {
    expect(silenceStatus(silence('s', T0, T0 + HOUR), now)).toBe(status);
  });

  it('mutes matching alerts only while active, naming the silence that lasts longest', () => {
    const muter = new SilenceMuter([silence('short', T0, T0 + HOUR), silence('long', T0, T0 + 3 * HOUR), silence('other', T0, T0 + 9 * HOUR, 'cogs')]);
    const revenue = alert({ kpi: 'revenue' });
    expect(muter.mutes(revenue, T0 - 1)).toBeUndefined();
    expect(muter.mutes(revenue, T0)).toEqual({ kind: 'silence', id: 'long', until: T0 + 3 * HOUR });
    expect(muter.mutes(revenue, T0 + 2 * HOUR)).toEqual({ kind: 'silence', id: 'long', until: T0 + 3 * HOUR });
    expect(muter.mutes(revenue, T0 + 3 * HOUR)).toBeUndefined();
    expect(muter.mutes(alert({ kpi: 'expenses' }), T0)).toBeUndefined();
  });
});
