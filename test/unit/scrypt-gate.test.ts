// The process-wide cap on password checks: at most `concurrency` run, `queue` wait, the rest are
// refused at once; known users' checks go first and are never refused.
import { describe, expect, it } from 'vitest';
import { GateFullError, ScryptGate } from '../../src/http/scrypt-gate.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ScryptGate', () => {
  it('runs at most `concurrency` at once, queues `queue`, refuses the rest at once', async () => {
    const gate = new ScryptGate({ concurrency: 2, queue: 3 });
    const release = deferred();
    let running = 0;
    let most = 0;
    const work = async () => {
      running++;
      most = Math.max(most, running);
      await release.promise;
      running--;
      return 'done';
    };
    const results = Array.from({ length: 10 }, () => gate.run(work).catch((err: unknown) => err));
    await Promise.resolve();
    expect(gate.load).toEqual({ running: 2, waiting: 3 });
    release.resolve();
    const settled = await Promise.all(results);
    expect(settled.filter((r) => r === 'done').length).toBe(5);
    expect(settled.filter((r) => r instanceof GateFullError).length).toBe(5);
    expect(most).toBe(2);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('priority work waits at the front and is never refused', async () => {
    const gate = new ScryptGate({ concurrency: 1, queue: 1 });
    const release = deferred();
    const order: string[] = [];
    const job = (name: string) => async () => {
      order.push(name);
      await release.promise;
    };
    const first = gate.run(job('first'));
    const stranger = gate.run(job('stranger'));
    const refused = gate.run(job('refused')).catch((err: unknown) => err);
    const known1 = gate.run(job('known1'), true);
    const known2 = gate.run(job('known2'), true);
    expect(await refused).toBeInstanceOf(GateFullError);
    release.resolve();
    await Promise.all([first, stranger, known1, known2]);
    expect(order).toEqual(['first', 'known1', 'known2', 'stranger']);
  });

  it('a failing check frees its slot', async () => {
    const gate = new ScryptGate({ concurrency: 1, queue: 0 });
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(async () => 1)).resolves.toBe(1);
  });
});
