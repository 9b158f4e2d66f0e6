import { describe, expect, it } from 'vitest';
import { ListenerSet } from '../../src/esl/listener-set.js';

interface Events {
  tick: (n: number) => unknown;
}

describe('ListenerSet', () => {
  it('runs every listener even when some throw or reject, and reports each failure', async () => {
    const errors: string[] = [];
    const set = new ListenerSet<Events>((name, err) => errors.push(`${name}: ${(err as Error).message}`));
    const seen: number[] = [];
    set.add('tick', () => {
      throw new Error('sync');
    });
    set.add('tick', () => Promise.reject(new Error('async')));
    set.add('tick', (n) => void seen.push(n));
    expect(() => set.emit('tick', 1)).not.toThrow();
    await Promise.resolve();
    expect(seen).toEqual([1]);
    expect(errors).toEqual(['tick: sync', 'tick: async']);
  });

  it('survives a throwing error reporter', () => {
    const set = new ListenerSet<Events>(() => {
      throw new Error('reporter');
    });
    set.add('tick', () => {
      throw new Error('listener');
    });
    expect(() => set.emit('tick', 1)).not.toThrow();
  });

  it('adds, removes and counts; changes during an emit apply to the next one', () => {
    const set = new ListenerSet<Events>(() => undefined);
    const calls: string[] = [];
    const late = () => void calls.push('late');
    const first = () => {
      calls.push('first');
      set.add('tick', late);
    };
    set.add('tick', first);
    set.emit('tick', 1);
    expect(calls).toEqual(['first']);
    expect(set.count('tick')).toBe(2);
    set.remove('tick', first);
    set.emit('tick', 2);
    expect(calls).toEqual(['first', 'late']);
    expect(set.count('tick')).toBe(1);
  });
});
