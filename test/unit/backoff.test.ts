import { describe, expect, it } from 'vitest';
import { Backoff, backoffCeiling, backoffDelay, validateBackoff } from '../../src/domain/backoff.js';

const opts = { initialMs: 100, maxMs: 1000 };

describe('backoff', () => {
  it('doubles from initialMs and caps at maxMs', () => {
    expect([0, 1, 2, 3, 4, 5, 60, 5000].map((n) => backoffCeiling(n, opts))).toEqual([
      100, 200, 400, 800, 1000, 1000, 1000, 1000,
    ]);
  });

  it('jitters within [ceiling/2, ceiling]', () => {
    expect(backoffDelay(2, opts, () => 0)).toBe(200);
    expect(backoffDelay(2, opts, () => 1)).toBe(400);
    expect(backoffDelay(2, opts, () => 0.5)).toBe(300);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(i % 8, opts);
      const c = backoffCeiling(i % 8, opts);
      expect(d).toBeGreaterThanOrEqual(c / 2);
      expect(d).toBeLessThanOrEqual(c);
    }
  });

  it('clamps a misbehaving random source', () => {
    expect(backoffDelay(0, opts, () => -3)).toBe(50);
    expect(backoffDelay(0, opts, () => 7)).toBe(100);
  });

  it('counts attempts and starts over after reset()', () => {
    const b = new Backoff(opts, () => 1);
    expect([b.next(), b.next(), b.next()]).toEqual([100, 200, 400]);
    expect(b.attempts).toBe(3);
    b.reset();
    expect(b.attempts).toBe(0);
    expect(b.next()).toBe(100);
  });

  it('rejects nonsense options', () => {
    expect(() => validateBackoff({ initialMs: 0, maxMs: 10 })).toThrow(RangeError);
    expect(() => validateBackoff({ initialMs: 10, maxMs: 5 })).toThrow(RangeError);
    expect(() => new Backoff({ initialMs: Number.NaN, maxMs: 10 })).toThrow(RangeError);
  });
});
