// The process-wide cap on password checks: at most `concurrency` run, `queue` wait, the rest are
// refused at once; the queue is fair between clients; known users' checks go first, never refused.
import { describe, expect, it } from 'vitest';
import { GateFullError, ScryptGate } from '../../src/http/scrypt-gate.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A gate whose checks all wait for `release`, recording the order they start in. */
function harness(concurrency: number, queue: number) {
  const gate = new ScryptGate({ concurrency, queue });
  const release = deferred();
  const order: string[] = [];
  const run = (name: string, client: string, priority = false) =>
    gate
      .run(
        async () => {
          order.push(name);
          await release.promise;
          return name;
        },
        client,
        priority,
      )
      .catch((err: unknown) => (err instanceof GateFullError ? `refused ${name}` : Promise.reject(err)));
  return { gate, release, order, run };
}

describe('ScryptGate', () => {
  it('runs at most `concurrency` at once, queues `queue`, refuses the rest at once', async () => {
    const { gate, release, run } = harness(2, 3);
    const results = Array.from({ length: 10 }, (_, i) => run(`c${i}`, `client-${i}`));
    await Promise.resolve();
    expect(gate.load).toEqual({ running: 2, waiting: 3 });
    release.resolve();
    const settled = await Promise.all(results);
    expect(settled.filter((r) => !r.startsWith('refused')).length).toBe(5);
    expect(settled.filter((r) => r.startsWith('refused')).length).toBe(5);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('a stranger waits only for the running checks, not behind one client’s queued flood', async () => {
    const { release, order, run } = harness(2, 32);
    const flood = Array.from({ length: 20 }, (_, i) => run(`a${i}`, 'attacker'));
    const stranger = run('stranger', 'user');
    release.resolve();
    await Promise.all([...flood, stranger]);
    expect(order.indexOf('stranger')).toBe(2); // right after the two already running
  });

  it('a full queue: a newcomer with a smaller share takes the busiest client’s place', async () => {
    const { release, run } = harness(1, 3);
    const flood = Array.from({ length: 4 }, (_, i) => run(`a${i}`, 'attacker')); // 1 runs, 3 wait
    const others = ['s1', 's2', 's3', 's4'].map((name) => run(name, name));
    release.resolve();
    expect(await Promise.all([...flood, ...others])).toEqual([
      'a0',
      'refused a1',
      'refused a2',
      'refused a3', // the attacker's latest goes first
      's1',
      's2',
      's3',
      'refused s4', // all waiting have the same share now: the newcomer is refused
    ]);
  });

  it('priority work waits at the front and is never refused', async () => {
    const { release, order, run } = harness(1, 1);
    const first = run('first', 'a');
    const stranger = run('stranger', 'b');
    const refused = run('refused', 'c');
    const known1 = run('known1', 'd', true);
    const known2 = run('known2', 'e', true);
    expect(await refused).toBe('refused refused');
    release.resolve();
    await Promise.all([first, stranger, known1, known2]);
    expect(order).toEqual(['first', 'known1', 'known2', 'stranger']);
  });

  it('a failing check frees its slot', async () => {
    const gate = new ScryptGate({ concurrency: 1, queue: 0 });
    await expect(gate.run(() => Promise.reject(new Error('boom')), 'c')).rejects.toThrow('boom');
    await expect(gate.run(async () => 1, 'c')).resolves.toBe(1);
  });
});
