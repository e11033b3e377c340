import { realSleep } from './sleep';

describe('realSleep', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resolves once the time has passed, not before', async () => {
    let done = false;
    const sleeping = realSleep(1000).then(() => {
      done = true;
    });
    await jest.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await sleeping;
    expect(done).toBe(true);
  });

  it('resolves as soon as its signal aborts and leaves no timer behind', async () => {
    const controller = new AbortController();
    const sleeping = realSleep(60_000, controller.signal);
    expect(jest.getTimerCount()).toBe(1);
    controller.abort();
    await sleeping;
    expect(jest.getTimerCount()).toBe(0);
  });

  it('resolves at once for an already aborted signal', async () => {
    await realSleep(60_000, AbortSignal.abort());
    expect(jest.getTimerCount()).toBe(0);
  });
});
