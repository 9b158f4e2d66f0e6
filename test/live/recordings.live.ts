// Recordings on a real FreeSWITCH: a recording started and stopped through the API is listed (with
// FreeSWITCH's file size and a duration close to the time it ran), downloads byte for byte the file
// FreeSWITCH wrote in its recordings directory (RECORDINGS_DIR, FS_RECORDINGS_DIR in the lab), in a
// range too, and is gone from that directory once the owner deletes it. Members are loopback calls to
// the stock echo extension, joined with `conference ... dial`.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveHarness, type LiveHarness } from './live-harness.js';
import { createConference, createUser, sleep, type LiveUser } from './world.js';

let h: LiveHarness;
let owner: LiveUser;
let delegate: LiveUser;
let conf: { name: string; extension: string };

beforeAll(async () => {
  h = await startLiveHarness();
  owner = await createUser(h);
  delegate = await createUser(h);
  conf = await createConference(h, owner, { delegates: [delegate.user] });
});

afterAll(async () => {
  if (conf !== undefined) await h?.api(`conference ${conf.name} hup all`).catch(() => undefined);
  await h?.close();
});

interface Listed {
  name: string;
  source: string;
  'start-time': number;
  duration: number | null;
  size: number;
  recording: boolean;
}

async function listed(as: LiveUser = owner): Promise<Listed[]> {
  const res = await h.request('GET', `/my/conferences/${conf.name}/recordings`, as);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return (JSON.parse(text) as { recordings: Listed[] }).recordings;
}

async function command(line: string): Promise<string> {
  const res = await h.request('PUT', `/my/conference/${conf.name}/${line}`, owner);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return text;
}

describe('recordings', () => {
  it('a recording made through the API is listed and downloads byte-identical to the file FreeSWITCH wrote', async () => {
    const dir = h.config.recordingsDir;
    // a member who keeps the conference up: the stock echo extension over loopback
    await command('dial&loopback/9196/default&4242&Echo');
    await h.eventually(async () => {
      const res = await h.request('GET', `/my/conferencedetails/${conf.name}`, owner);
      return res.status === 200;
    }, 'the conference runs with its member');

    const started = Date.now();
    await command('record');
    const running = await h.eventually(async () => {
      const [entry] = await listed();
      return entry?.recording ? entry : undefined;
    }, 'the running recording is listed');
    expect(running.source).toBe('record');
    expect(running.name).toMatch(new RegExp(`^${conf.name}-\\d{8}T\\d{6}\\.\\d{3}Z\\.wav$`));

    await sleep(2000);
    await command('record&stop');
    const done = await h.eventually(async () => {
      const [entry] = await listed();
      return entry && !entry.recording ? entry : undefined;
    }, 'the stopped recording is listed');
    const file = path.join(dir, done.name);
    const written = await readFile(file);
    expect(done.size).toBe(written.length);
    expect(done['start-time']).toBeGreaterThanOrEqual(started - 1000);
    // it ran about two seconds
    expect(done.duration).toBeGreaterThan(1000);
    expect(done.duration).toBeLessThan(10_000);

    const download = await h.request('GET', `/my/conferences/${conf.name}/recordings/${done.name}`, delegate);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await download.arrayBuffer()).equals(written)).toBe(true);

    const part = await fetch(`${h.daemon.url}/my/conferences/${conf.name}/recordings/${done.name}`, {
      headers: {
        Authorization: `Basic ${Buffer.from(`${owner.user}:${owner.password}`).toString('base64')}`,
        Range: 'bytes=44-1043',
      },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 44-1043/${written.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(written.subarray(44, 1044))).toBe(true);

    // the delegate may not delete it; the owner does, and FreeSWITCH's file is gone
    const path_ = `/my/conferences/${conf.name}/recordings/${done.name}`;
    expect((await h.request('DELETE', path_, delegate)).status).toBe(403);
    expect((await h.request('DELETE', path_, owner)).status).toBe(204);
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
    expect(await listed()).toEqual([]);
  });
});
