// A conference's recordings through the whole daemon, with a temporary RECORDINGS_DIR that the
// simulated FreeSWITCH writes its recordings into: a recording started with `record` is listed while it
// runs and after it stops (start time, duration, size), downloads byte for byte, in ranges too, and is
// deleted by the owner; auto-record names and files FreeSWITCH reported recording to are listed; other
// conferences' files, links, directories and stray files are not; names from the URL never reach the
// file system unless the listing holds them; a directory the daemon cannot read is a 404 that says so.
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileRecordingSink, wavHeader } from '../../src/sim/recording-files.js';
import { startHarness, type Harness } from '../helpers/daemon-harness.js';

let h: Harness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

interface Listed {
  name: string;
  source: string;
  'start-time': number;
  duration: number | null;
  size: number;
  recording: boolean;
}

async function start(recordingsDir?: string): Promise<Harness> {
  dir = await mkdtemp(join(tmpdir(), 'recordings-test-'));
  h = await startHarness({
    env: { RECORDINGS_DIR: recordingsDir ?? dir },
    recordingSink: fileRecordingSink(),
  });
  await h.waitSynced();
  return h;
}

async function list(
  hh: Harness,
  as: 'owner' | 'delegate' | 'other' | 'admin' = 'owner',
  conf = 'alice-conf',
) {
  const res = await hh.request('GET', `/my/conferences/${conf}/recordings`, { as, json: true });
  const body = (await res.json()) as { recordings?: Listed[]; error?: string };
  return { status: res.status, recordings: body.recordings ?? [], error: body.error };
}

/** A WAV of `ms` milliseconds of 8 kHz 16-bit mono, the bytes counting up so ranges are checkable. */
function wav(ms: number): Buffer {
  const data = Buffer.alloc(ms * 16);
  for (let i = 0; i < data.length; i++) data[i] = i % 251;
  return Buffer.concat([wavHeader(data.length), data]);
}

async function joinAliceConf(hh: Harness): Promise<void> {
  await hh.sim.fs.execute('originate', '{origination_caller_id_number=200}user/200 3000 XML default');
  await hh.eventually(() => hh.sim.fs.snapshot().conferences.some((c) => c.name === 'alice-conf'));
}

describe('recordings', () => {
  it('a recording made through the API is listed while it runs and after, and downloads as FreeSWITCH wrote it', async () => {
    const hh = await start();
    await joinAliceConf(hh);
    expect((await list(hh)).recordings).toEqual([]);
    const before = Date.now();
    expect((await hh.request('PUT', '/my/conference/alice-conf/record', { as: 'owner' })).status).toBe(200);
    const recordingSince = performance.now(); // FreeSWITCH started it before answering
    const running = (await list(hh)).recordings;
    expect(running).toHaveLength(1);
    expect(running[0]).toMatchObject({ source: 'record', recording: true });
    expect(running[0]!.name).toMatch(/^alice-conf-\d{8}T\d{6}\.\d{3}Z\.wav$/);
    // a running recording cannot be deleted
    const busy = await hh.request('DELETE', `/my/conferences/alice-conf/recordings/${running[0]!.name}`, {
      as: 'owner',
    });
    expect(busy.status).toBe(409);

    const ranAtLeast = performance.now() - recordingSince; // FreeSWITCH stops it after this request
    expect((await hh.request('PUT', '/my/conference/alice-conf/record&stop', { as: 'owner' })).status).toBe(
      200,
    );
    const [done] = (await list(hh)).recordings;
    expect(done).toMatchObject({ name: running[0]!.name, recording: false, source: 'record' });
    expect(done!['start-time']).toBeGreaterThanOrEqual(before - 5);
    expect(done!.duration).toBeGreaterThanOrEqual(Math.floor(ranAtLeast) - 1); // whole ms, rounded
    const onDisk = await readFile(join(dir!, done!.name));
    expect(done!.size).toBe(onDisk.length);
    expect(done!.duration).toBe(Math.floor(((onDisk.length - 142) * 1000) / 16000));

    const res = await hh.request('GET', `/my/conferences/alice-conf/recordings/${done!.name}`, {
      as: 'delegate',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${done!.name}"`);
    expect(Buffer.from(await res.arrayBuffer()).equals(onDisk)).toBe(true);

    // the owner deletes it; the delegate may not
    const path = `/my/conferences/alice-conf/recordings/${done!.name}`;
    expect((await hh.request('DELETE', path, { as: 'delegate' })).status).toBe(403);
    expect((await hh.request('DELETE', path, { as: 'owner' })).status).toBe(204);
    expect(await readdir(dir!)).toEqual([]);
    expect((await list(hh)).recordings).toEqual([]);
    expect((await hh.request('GET', path, { as: 'owner' })).status).toBe(404);
  });

  it('downloads ranges: a-b, a-, -n; 416 past the end; HEAD has the headers only', async () => {
    const hh = await start();
    const name = 'alice-conf-20261122T101500.123Z.wav';
    const bytes = wav(500);
    await writeFile(join(dir!, name), bytes);
    const path = `/my/conferences/alice-conf/recordings/${name}`;
    const get = (range: string) => hh.request('GET', path, { as: 'owner', headers: { Range: range } });
    for (const [range, from, to] of [
      ['bytes=0-99', 0, 99],
      ['bytes=100-', 100, bytes.length - 1],
      ['bytes=-10', bytes.length - 10, bytes.length - 1],
      ['bytes=7000-99999', 7000, bytes.length - 1],
    ] as const) {
      const res = await get(range);
      expect(res.status, range).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes ${from}-${to}/${bytes.length}`);
      expect(res.headers.get('content-length')).toBe(String(to - from + 1));
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(from, to + 1))).toBe(true);
    }
    const past = await get(`bytes=${bytes.length}-`);
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    // several ranges or another unit: the whole file
    for (const range of ['bytes=0-1,5-6', 'items=0-1', 'bytes=abc']) {
      const res = await get(range);
      expect(res.status, range).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBe(bytes.length);
    }
    const head = await hh.request('HEAD', path, { as: 'owner' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
  });

  it('lists the conference’s own files only: record and auto-record names, and files FreeSWITCH reported', async () => {
    const hh = await start();
    const mine = ['alice-conf-20261122T101500.123Z.wav', 'alice-conf_2026-11-22-10-20-00.wav'];
    const notMine = [
      'carol-conf-20261122T101500.123Z.wav', // another conference
      'alice-conf-20261122T101500.123Z.wav.txt',
      'alice-conf-2026-11-22.wav',
      'alice-conf-20261341T101500.123Z.wav', // no such day
      'notes.txt',
      '.alice-conf-20261122T101500.123Z.wav',
    ];
    for (const name of [...mine, ...notMine]) await writeFile(join(dir!, name), wav(100));
    // a link and a directory named like recordings never count
    await symlink('/etc/passwd', join(dir!, 'alice-conf-20261122T101600.000Z.wav'));
    await mkdir(join(dir!, 'alice-conf-20261122T101700.000Z.wav'));
    // a file name FreeSWITCH reports recording alice-conf to (a `record` from elsewhere) counts too
    await joinAliceConf(hh);
    const other = join(dir!, 'board-meeting.wav');
    expect(await hh.sim.fs.execute('conference', `alice-conf record ${other}`)).toMatch(/^\+OK/);
    await hh.eventually(async () => (await list(hh)).recordings.length === 3);
    const listed = (await list(hh)).recordings;
    expect(listed.map((r) => [r.name, r.source]).sort()).toEqual(
      [
        ...mine.map((n) => [n, n.includes('_') ? 'autorecord' : 'record']),
        ['board-meeting.wav', 'file'],
      ].sort(),
    );
    expect(listed.find((r) => r.name === mine[0])).toMatchObject({
      'start-time': Date.UTC(2026, 10, 22, 10, 15, 0, 123),
      duration: 100,
      size: wav(100).length,
    });
    expect(listed.find((r) => r.name === mine[1])!['start-time']).toBe(
      new Date(2026, 10, 22, 10, 20, 0).getTime(),
    );
    // still listed once it stopped: the daemon remembers what FreeSWITCH reported
    expect(await hh.sim.fs.execute('conference', `alice-conf norecord ${other}`)).toMatch(/Stopped/);
    await hh.eventually(async () => (await list(hh)).recordings.every((r) => !r.recording));
    expect((await list(hh)).recordings.map((r) => r.name)).toContain('board-meeting.wav');
    expect((await list(hh, 'other', 'carol-conf')).recordings.map((r) => r.name)).toEqual([
      'carol-conf-20261122T101500.123Z.wav',
    ]);
  });

  it('owner, delegate and admin only; URL names never reach the file system unchecked', async () => {
    const hh = await start();
    const name = 'alice-conf-20261122T101500.123Z.wav';
    await writeFile(join(dir!, name), wav(100));
    await writeFile(join(dir!, 'carol-conf-20261122T101500.123Z.wav'), wav(100));
    for (const as of ['owner', 'delegate', 'admin'] as const) expect((await list(hh, as)).status).toBe(200);
    expect((await list(hh, 'other')).status).toBe(403);
    expect(
      (await hh.request('GET', `/my/conferences/alice-conf/recordings/${name}`, { as: 'other' })).status,
    ).toBe(403);
    expect((await list(hh, 'owner', 'no-such-conf')).status).toBe(404);
    // another conference's file through this conference's URL, traversal, odd names
    const base = '/my/conferences/alice-conf/recordings/';
    expect(
      (await hh.request('GET', `${base}carol-conf-20261122T101500.123Z.wav`, { as: 'owner' })).status,
    ).toBe(404);
    for (const bad of ['..%2F..%2Fetc%2Fpasswd', '%2Fetc%2Fpasswd', '.wav', 'a%00.wav', 'x.exe', '..'])
      expect([400, 404], bad).toContain((await hh.request('GET', `${base}${bad}`, { as: 'owner' })).status);
    expect(
      (await hh.request('DELETE', `${base}carol-conf-20261122T101500.123Z.wav`, { as: 'admin' })).status,
    ).toBe(404);
    expect(await readdir(dir!)).toHaveLength(2);
  });

  it('a RECORDINGS_DIR the daemon cannot read: 404 that says why', async () => {
    const hh = await start('/nonexistent/fs-confd-recordings');
    const res = await list(hh);
    expect(res.status).toBe(404);
    expect(res.error).toMatch(/RECORDINGS_DIR does not exist where the daemon runs/);
    expect(res.error).toMatch(/shared volume/);
    const file = await hh.request(
      'GET',
      '/my/conferences/alice-conf/recordings/alice-conf-20261122T101500.123Z.wav',
      {
        as: 'owner',
        json: true,
      },
    );
    expect(file.status).toBe(404);
    expect(((await file.json()) as { error: string }).error).toMatch(/not available here/);
  });
});
