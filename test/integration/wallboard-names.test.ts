// GET /wallboard/names: who is named for whom. An admin gets every store user's name and the caller ID
// names of every live party; a user only the parties of their own calls, the members of their own and
// delegated conferences, and themselves; a caller ID number is a plain key whatever it says.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/daemon-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function namesFor(hh: Harness, as: 'admin' | 'owner' | 'delegate' | 'other') {
  const res = await hh.request('GET', '/wallboard/names', { as });
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return ((await res.json()) as { names: Record<string, string> }).names;
}

describe('wallboard names', () => {
  it('an admin sees every name; a user only the people they share a call or conference with', async () => {
    h = await startHarness();
    await h.waitSynced();
    // someone from outside calls into Carol's conference with a caller ID name
    h.sim.fs.inboundCall({ from: '5551234', name: 'Mallory_Ltd', to: '3001' });
    await h.eventually(() => h!.sim.fs.snapshot().conferences.some((c) => c.name === 'carol-conf'));

    const admin = await namesFor(h, 'admin');
    expect(admin['200']).toBe('Alice');
    expect(admin['5551234']).toBe('Mallory_Ltd');
    // Alice sees herself, not Carol's caller
    expect(await namesFor(h, 'owner')).toEqual({ '200': 'Alice' });
    expect(await namesFor(h, 'other')).toEqual({ '5551234': 'Mallory_Ltd' });

    // once Alice calls Bob, Bob sees her name
    expect(await namesFor(h, 'delegate')).toEqual({});
    expect((await h.request('PUT', '/my/call/201', { as: 'owner' })).status).toBe(200);
    await h.eventually(async () => (await namesFor(h!, 'delegate'))['200'] === 'Alice');
  });

  it('a hostile caller ID number stays a plain key', async () => {
    h = await startHarness();
    await h.waitSynced();
    h.sim.fs.inboundCall({ from: '__proto__', name: 'Proto', to: '3001' });
    await h.eventually(() => h!.sim.fs.snapshot().conferences.some((c) => c.name === 'carol-conf'));
    const res = await h.request('GET', '/wallboard/names', { as: 'other' });
    const text = await res.text();
    expect(text).toContain('"__proto__":"Proto"');
  });
});
