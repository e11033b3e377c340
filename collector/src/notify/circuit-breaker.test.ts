import { ChannelBreakers, CircuitBreaker, type BreakerState } from './circuit-breaker';

describe('CircuitBreaker', () => {
  const policy = { failureThreshold: 3, openMs: 1000, maxOpenMs: 3000 };
  let changes: BreakerState[];
  let breaker: CircuitBreaker;
  beforeEach(() => {
    changes = [];
    breaker = new CircuitBreaker(policy, (s) => changes.push(s));
  });

  it('stays closed below the threshold and a success resets the count', () => {
    breaker.onFailure(0);
    breaker.onFailure(1);
    breaker.onSuccess();
    breaker.onFailure(2);
    breaker.onFailure(3);
    expect(breaker.state(4)).toBe('closed');
    expect(breaker.tryAcquire(4)).toBe(true);
  });

  it('opens after threshold failures in a row and refuses sends until openMs has passed', () => {
    for (const t of [0, 1, 2]) breaker.onFailure(t);
    expect(breaker.state(2)).toBe('open');
    expect(breaker.retryAt()).toBe(1002);
    expect(breaker.tryAcquire(1001)).toBe(false);
    expect(changes).toEqual(['open']);
  });

  it('lets exactly one probe through when half-open; its success closes the breaker', () => {
    for (const t of [0, 1, 2]) breaker.onFailure(t);
    expect(breaker.state(1002)).toBe('half_open');
    expect(breaker.tryAcquire(1002)).toBe(true);
    expect(breaker.tryAcquire(1003)).toBe(false);
    breaker.onSuccess();
    expect(breaker.state(1004)).toBe('closed');
    expect(breaker.tryAcquire(1004)).toBe(true);
    expect(changes).toEqual(['open', 'half_open', 'closed']);
  });

  it('a failed probe opens it again for twice as long, at most maxOpenMs', () => {
    for (const t of [0, 1, 2]) breaker.onFailure(t);
    expect(breaker.tryAcquire(1002)).toBe(true);
    breaker.onFailure(1010);
    expect(breaker.state(1010)).toBe('open');
    expect(breaker.retryAt()).toBe(3010);
    expect(breaker.tryAcquire(3010)).toBe(true);
    breaker.onFailure(3010);
    expect(breaker.retryAt()).toBe(6010); // 4000 capped to 3000
    expect(breaker.tryAcquire(6010)).toBe(true);
    breaker.onSuccess();
    for (const t of [7000, 7001, 7002]) breaker.onFailure(t);
    expect(breaker.retryAt()).toBe(8002); // back to openMs after closing
  });

  it('a non-retryable outcome of the probe frees the probe slot without a verdict', () => {
    for (const t of [0, 1, 2]) breaker.onFailure(t);
    expect(breaker.tryAcquire(1002)).toBe(true);
    breaker.onNeutral();
    expect(breaker.state(1003)).toBe('half_open');
    expect(breaker.tryAcquire(1003)).toBe(true);
  });

  it('ignores failures reported while already open', () => {
    for (const t of [0, 1, 2]) breaker.onFailure(t);
    breaker.onFailure(500);
    expect(breaker.retryAt()).toBe(1002);
  });
});

describe('ChannelBreakers', () => {
  it('keeps one breaker per channel and reports state changes with the channel', () => {
    const seen: string[] = [];
    const breakers = new ChannelBreakers({ failureThreshold: 1, openMs: 10, maxOpenMs: 10 }, (c, s) => seen.push(`${c}:${s}`));
    breakers.get('sms').onFailure(0);
    expect(breakers.get('sms')).toBe(breakers.get('sms'));
    expect(breakers.states(5)).toEqual({ sms: 'open' });
    breakers.get('email');
    expect(breakers.states(10)).toEqual({ sms: 'half_open', email: 'closed' });
    expect(seen).toEqual(['sms:open', 'sms:half_open']);
  });
});
