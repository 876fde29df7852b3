import { retryDelayMs } from './retry-backoff';

describe('retryDelayMs', () => {
  it('doubles per attempt within [nominal/2, nominal]', () => {
    expect(retryDelayMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(retryDelayMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(retryDelayMs(3, 1000, 60_000, () => 0)).toBe(2000);
    expect(retryDelayMs(3, 1000, 60_000, () => 1)).toBe(4000);
  });

  it('is capped', () => {
    expect(retryDelayMs(30, 1000, 60_000, () => 1)).toBe(60_000);
  });

  it('spreads retries (jitter)', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(4, 1000)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
