// The per-user calls-per-minute limit: a sliding window (no double burst across a boundary),
// Retry-After from the oldest call in the window, refunds, independent users and bounded memory.
import { describe, expect, it } from 'vitest';
import {
  SharedWindowLimiter,
  SlidingWindowLimiter,
  tooManyRequests,
  type RateDecision,
} from '../../src/http/rate-limit.js';

function limiter(limit: number, windowMs = 60_000, maxKeys?: number) {
  const clock = { now: 1_000_000 };
  const l = new SlidingWindowLimiter({
    limit,
    windowMs,
    now: () => clock.now,
    ...(maxKeys !== undefined ? { maxKeys } : {}),
  });
  return { l, clock };
}

describe('SlidingWindowLimiter', () => {
  it('allows `limit` actions per window and says when the next one will be allowed', () => {
    const { l, clock } = limiter(3);
    expect(l.take('200')).toEqual({ ok: true });
    clock.now += 10_000;
    expect(l.take('200')).toEqual({ ok: true });
    expect(l.take('200')).toEqual({ ok: true });
    clock.now += 5_000;
    // the first call was 15 s ago: it leaves the window in 45 s
    expect(l.take('200')).toEqual({ ok: false, retryAfterMs: 45_000 });
    clock.now += 45_000;
    expect(l.take('200')).toEqual({ ok: true });
    expect(l.take('200')).toEqual({ ok: false, retryAfterMs: 10_000 - 0 });
  });

  it('cannot be doubled by bursting on both sides of a window boundary', () => {
    const { l, clock } = limiter(2);
    clock.now += 59_000;
    expect(l.take('u').ok).toBe(true);
    expect(l.take('u').ok).toBe(true);
    clock.now += 2_000; // a fixed window would have reset here
    expect(l.take('u').ok).toBe(false);
  });

  it('counts each user separately', () => {
    const { l } = limiter(1);
    expect(l.take('200').ok).toBe(true);
    expect(l.take('201').ok).toBe(true);
    expect(l.take('200').ok).toBe(false);
    expect(l.take('201').ok).toBe(false);
  });

  it('gives back a refunded action', () => {
    const { l } = limiter(1);
    expect(l.take('200').ok).toBe(true);
    l.refund('200');
    expect(l.take('200').ok).toBe(true);
    expect(l.take('200').ok).toBe(false);
    l.refund('nobody'); // no effect, no throw
  });

  it('forgets users whose actions all left the window once it tracks too many', () => {
    const { l, clock } = limiter(1, 1000, 100);
    for (let i = 0; i < 100; i++) l.take(`old${i}`);
    expect(l.size).toBe(100);
    clock.now += 1001;
    l.take('new');
    expect(l.size).toBe(1);
  });

  it('refuses nonsense limits', () => {
    expect(() => new SlidingWindowLimiter({ limit: 0, windowMs: 1 })).toThrow(RangeError);
    expect(() => new SlidingWindowLimiter({ limit: 1, windowMs: 0 })).toThrow(RangeError);
  });

  it('answers 429 with Retry-After in whole seconds, at least 1', () => {
    expect(tooManyRequests('x', 45_000).details.headers).toEqual({ 'Retry-After': '45' });
    expect(tooManyRequests('x', 1_001).details.headers).toEqual({ 'Retry-After': '2' });
    expect(tooManyRequests('x', 3).details.headers).toEqual({ 'Retry-After': '1' });
    expect(tooManyRequests('x', 3).status).toBe(429);
  });
});

describe('SharedWindowLimiter', () => {
  const unreachable = () => Promise.reject(new Error('store unavailable: PostgreSQL is not reachable'));

  it('counts in the shared window while it answers', async () => {
    const calls: string[] = [];
    let decision: RateDecision = { ok: true };
    const shared = {
      take: async (key: string) => (calls.push(`take ${key}`), decision),
      refund: async (key: string) => void calls.push(`refund ${key}`),
    };
    const l = new SharedWindowLimiter(shared, { limit: 1, windowMs: 60_000 });
    expect(await l.take('200')).toEqual({ ok: true });
    decision = { ok: false, retryAfterMs: 5000 };
    expect(await l.take('200')).toEqual({ ok: false, retryAfterMs: 5000 });
    await l.refund('200');
    expect(calls).toEqual(['take 200', 'take 200', 'refund 200']);
  });

  it('falls back to counting in this daemon while the shared window cannot be reached, refunds included', async () => {
    let down = true;
    const sharedTakes: string[] = [];
    const shared = {
      take: async (key: string) => {
        if (down) return unreachable();
        sharedTakes.push(key);
        return { ok: true as const };
      },
      refund: async () => (down ? unreachable() : undefined),
    };
    const l = new SharedWindowLimiter(shared, { limit: 2, windowMs: 60_000 });
    expect(await l.take('200')).toEqual({ ok: true });
    expect(await l.take('200')).toEqual({ ok: true });
    expect((await l.take('200')).ok).toBe(false); // still limited, here
    await l.refund('200'); // goes back to the local count
    expect(await l.take('200')).toEqual({ ok: true });
    down = false;
    expect(await l.take('200')).toEqual({ ok: true });
    expect(sharedTakes).toEqual(['200']);
  });
});
