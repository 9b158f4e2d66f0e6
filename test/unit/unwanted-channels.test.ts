// The list of channels a node's sync must hang up (click-to-calls answered "not placed"): per node,
// watched for a while after the node is in sync again, bounded in size.
import { describe, expect, it } from 'vitest';
import { UnwantedChannels } from '../../src/state/unwanted-channels.js';

describe('UnwantedChannels', () => {
  it('is per node; an entry lives until removed', () => {
    const list = new UnwantedChannels();
    list.add('fs1', 'u1');
    list.add('fs1', 'u1');
    list.add('fs2', 'u2');
    expect(list.count).toBe(2);
    expect(list.has('fs1', 'u1')).toBe(true);
    expect(list.has('fs2', 'u1')).toBe(false);
    list.remove('fs1', 'u1');
    expect(list.has('fs1', 'u1')).toBe(false);
    expect(list.count).toBe(1);
  });

  it('is watched for watchMs after the node is next in sync, however long the node was away', () => {
    let now = 0;
    const list = new UnwantedChannels({ watchMs: 1000, now: () => now });
    list.add('fs1', 'u1');
    now = 3_600_000; // FreeSWITCH stayed frozen for an hour: the entry is still there
    expect(list.synced('fs1')).toEqual(['u1']);
    now += 999;
    expect(list.synced('fs1')).toEqual(['u1']); // a second sync does not extend the window
    now += 1;
    expect(list.synced('fs1')).toEqual([]);
    expect(list.count).toBe(0);
    expect(list.synced('fs2')).toEqual([]);
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const list = new UnwantedChannels({ maxEntries: 3 });
    for (const uuid of ['a', 'b', 'c', 'd']) list.add('fs1', uuid);
    expect(list.count).toBe(3);
    expect(list.has('fs1', 'a')).toBe(false);
    expect(list.has('fs1', 'd')).toBe(true);
  });
});
