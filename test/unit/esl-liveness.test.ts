// The HEARTBEAT deadline and the probe, on fake timers: heartbeats keep a node alive, a late one
// makes it probed, a probe answered keeps it, a probe unanswered declares it dead (once).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LIVENESS, LivenessWatch, validateLiveness } from '../../src/esl/liveness.js';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

/** A watch whose probe the test answers: `answer(true|false)` settles the probe in flight. */
function watched(options = { heartbeatDeadlineMs: 30_000, probeTimeoutMs: 5_000 }) {
  const probes: Array<{ timeoutMs: number; answer: (ok: boolean) => void }> = [];
  const late: number[] = [];
  const dead: string[] = [];
  const watch = new LivenessWatch(options, {
    probe: (timeoutMs) =>
      new Promise((resolve, reject) =>
        probes.push({ timeoutMs, answer: (ok) => (ok ? resolve('UP') : reject(new Error('no answer'))) }),
      ),
    lateButAlive: (ms) => void late.push(ms),
    dead: (reason) => void dead.push(reason),
  });
  return { watch, probes, late, dead };
}

describe('LivenessWatch', () => {
  it('defaults: probed 30 s after the last heartbeat, 5 s for the probe (under 45 s to declare a node dead)', () => {
    expect(DEFAULT_LIVENESS).toEqual({ heartbeatDeadlineMs: 30_000, probeTimeoutMs: 5_000 });
    expect(DEFAULT_LIVENESS.heartbeatDeadlineMs + DEFAULT_LIVENESS.probeTimeoutMs).toBeLessThan(45_000);
    expect(() => validateLiveness({ probeTimeoutMs: 0 })).toThrow(RangeError);
  });

  it('heartbeats every 20 s keep the node alive without a single probe', () => {
    const { watch, probes, dead } = watched();
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(20_000);
      watch.heartbeat();
    }
    expect(probes).toEqual([]);
    expect(dead).toEqual([]);
    watch.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a late heartbeat makes it probe; an answer keeps the node and re-arms the deadline', async () => {
    const { watch, probes, late, dead } = watched();
    vi.advanceTimersByTime(29_999);
    expect(probes).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(probes).toHaveLength(1);
    expect(probes[0]!.timeoutMs).toBe(5_000);
    probes[0]!.answer(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(late).toEqual([30_000]);
    expect(dead).toEqual([]);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(probes).toHaveLength(2); // still no heartbeat: probed again one deadline later
    watch.stop();
  });

  it('no heartbeat and no answer: declared dead once, with the reason', async () => {
    const { watch, probes, dead } = watched();
    vi.advanceTimersByTime(30_000);
    probes[0]!.answer(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(dead).toEqual(['no HEARTBEAT for 30.0 s and no answer to a probe within 5000 ms']);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(probes).toHaveLength(1);
    expect(dead).toHaveLength(1);
    watch.heartbeat(); // too late: the session is gone
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a heartbeat while the probe is out saves the node even if the probe then fails', async () => {
    const { watch, probes, dead } = watched();
    vi.advanceTimersByTime(30_000);
    watch.heartbeat();
    probes[0]!.answer(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(dead).toEqual([]);
    watch.stop();
  });

  it('a stopped watch (its session ended) never reports', async () => {
    const { watch, probes, dead, late } = watched();
    vi.advanceTimersByTime(30_000);
    watch.stop();
    probes[0]!.answer(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(dead).toEqual([]);
    expect(late).toEqual([]);
  });
});
