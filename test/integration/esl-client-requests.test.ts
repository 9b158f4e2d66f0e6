// api/bgapi through the ESL client against a raw TCP fake FreeSWITCH: correlation under load,
// timeouts that cannot misroute late replies, bgapi via BACKGROUND_JOB, and the command guard.
import { afterEach, describe, expect, it } from 'vitest';
import { EslClient, type EslClientOptions } from '../../src/esl/client.js';
import {
  EslDisconnectedError,
  EslNotConnectedError,
  EslNotSentError,
  EslTimeoutError,
  EslUnsafeCommandError,
  isOutcomeUnknown,
} from '../../src/esl/errors.js';
import { captureLogger, connectedClient, FakeEslServer, fsFrames } from '../helpers/fake-esl-server.js';
import { eventually } from '../helpers/eventually.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const connectedPair = (extra: Partial<EslClientOptions> = {}) => connectedClient(cleanup, extra);

const idle = { queued: 0, awaitingReply: false, jobs: 0 };

describe('EslClient api', () => {
  it('resolves with the api/response body, byte for byte as FreeSWITCH sent it', async () => {
    const { client } = await connectedPair();
    await expect(client.api('version')).resolves.toBe('FreeSWITCH Version 1.11.2-release~64bit ( 64bit)\n');
    await expect(client.api('conference demo count')).resolves.toBe('3'); // no newline, as recorded
    await expect(client.api('conference nosuch list')).resolves.toBe('-ERR Conference nosuch not found\n');
    const channels = await client.api('show channels as json');
    expect(JSON.parse(channels)).toHaveProperty('row_count');
    expect(client.pending).toEqual(idle);
  });

  it('1,000 concurrent requests each get their own reply', async () => {
    const { server, client } = await connectedPair({ requestTimeoutMs: 20_000 });
    server.onApi = (cmd) => `reply to <${cmd}> ${'x'.repeat(cmd.length % 7)}\n`;
    const commands = Array.from({ length: 1000 }, (_, i) => `echo ${i} ${'é'.repeat(i % 5)}`);
    const t0 = Date.now();
    const replies = await Promise.all(commands.map((c) => client.api(c)));
    const ms = Date.now() - t0;
    replies.forEach((r, i) =>
      expect(r).toBe(`reply to <${commands[i]}> ${'x'.repeat(commands[i]!.length % 7)}\n`),
    );
    expect(
      server
        .commandLines()
        .filter((l) => l.startsWith('api '))
        .map((l) => l.slice(4)),
    ).toEqual(commands);
    expect(client.pending).toEqual(idle);
    expect(ms).toBeLessThan(10_000);
  });

  it('500 api and 500 bgapi interleaved, BACKGROUND_JOBs answered in reverse order, each gets its own', async () => {
    const { server, client } = await connectedPair({ requestTimeoutMs: 20_000 });
    server.onApi = (cmd) => `api:${cmd}\n`;
    const jobs: Array<{ jobUuid: string; command: string }> = [];
    server.onBgapi = (command, jobUuid) => {
      jobs.push({ jobUuid, command });
      return undefined; // answered later
    };
    const calls = Array.from({ length: 1000 }, (_, i) =>
      i % 2 === 0 ? client.api(`a${i}`) : client.bgapi(`originate user/${i} &park()`),
    );
    await eventually(() => jobs.length === 500, 10_000, 'every bgapi');
    expect(client.pending.jobs).toBe(500);
    const session = server.last!;
    for (const job of [...jobs].reverse())
      session.write(fsFrames.backgroundJobJson(job.jobUuid, job.command, `+OK for ${job.command}\n`));
    const results = await Promise.all(calls);
    results.forEach((r, i) =>
      expect(r).toBe(i % 2 === 0 ? `api:a${i}\n` : `+OK for originate user/${i} &park()\n`),
    );
    expect(new Set(jobs.map((j) => j.jobUuid)).size).toBe(500);
    expect(client.pending).toEqual(idle);
  });

  it('a request stuck on the wire drops the session; what was queued is rejected at once and never sent', async () => {
    const { server, client } = await connectedPair();
    const reasons: string[] = [];
    client.on('disconnected', (r) => void reasons.push(r));
    server.onApi = (cmd) => (cmd === 'slow' ? undefined : `reply to ${cmd}\n`); // `slow` is never answered
    const slow = client.api('slow', { timeoutMs: 60 });
    const queued = client.api('queued', { timeoutMs: 5000 });
    const slowError = await slow.catch((e: unknown) => e);
    expect(slowError).toBeInstanceOf(EslTimeoutError);
    expect(isOutcomeUnknown(slowError)).toBe(true); // written: FreeSWITCH may still run it
    const queuedError = await queued.catch((e: unknown) => e);
    expect(queuedError).toBeInstanceOf(EslDisconnectedError);
    expect(isOutcomeUnknown(queuedError)).toBe(false); // never written: a plain 503
    expect(reasons).toEqual(['a request got no reply within 60 ms']);
    expect(client.stats.stuckRequests).toBe(1);
    expect(client.pending).toEqual(idle);
    await eventually(() => client.state === 'connected' && server.connections === 2, 3000, 'reconnect');
    await expect(client.api('fresh')).resolves.toBe('reply to fresh\n');
    expect(server.commandLines().filter((l) => l.startsWith('api '))).toEqual(['api slow', 'api fresh']);
  });

  it('a request that times out while queued is never written', async () => {
    const { server, client } = await connectedPair();
    let releaseSlow: (() => void) | undefined;
    server.onApi = (cmd) =>
      cmd === 'slow' ? new Promise<string>((resolve) => (releaseSlow = () => resolve('slow\n'))) : `${cmd}\n`;
    const slow = client.api('slow', { timeoutMs: 1000 });
    const queued = client.api('queued', { timeoutMs: 40 });
    await expect(queued).rejects.toBeInstanceOf(EslNotSentError);
    expect(client.pending).toEqual({ queued: 0, awaitingReply: true, jobs: 0 });
    releaseSlow!();
    await expect(slow).resolves.toBe('slow\n');
    // requests go out in order: once a later probe is answered, the queued one would have been written
    await expect(client.api('probe')).resolves.toBe('probe\n');
    expect(server.commandLines().filter((l) => l.startsWith('api '))).toEqual(['api slow', 'api probe']);
    expect(client.state).toBe('connected');
  });

  it('rejects at once when not connected', async () => {
    const server = await FakeEslServer.start();
    cleanup.push(() => server.close());
    const client = new EslClient({
      node: { id: 'x:1', host: '127.0.0.1', port: server.port, password: 'ClueCon' },
      logger: captureLogger().logger,
      requestTimeoutMs: 1000,
      events: [],
    });
    await expect(client.api('status')).rejects.toBeInstanceOf(EslNotConnectedError);
    await expect(client.bgapi('status')).rejects.toBeInstanceOf(EslNotConnectedError);
    expect(server.connections).toBe(0);
  });

  it('drops the session when a reply arrives that nobody asked for (the stream is out of step)', async () => {
    const { server, client } = await connectedPair();
    const reasons: string[] = [];
    client.on('disconnected', (r) => void reasons.push(r));
    server.last!.write(fsFrames.apiResponse('+OK surprise\n'));
    await eventually(() => reasons.length === 1);
    expect(reasons[0]).toBe('unexpected api/response');
    await eventually(() => client.state === 'connected' && server.connections === 2, 3000, 'reconnect');
    server.last!.write(fsFrames.accepted());
    await eventually(() => reasons.length === 2);
    expect(reasons[1]).toBe('unexpected command/reply');
  });
});

describe('EslClient bgapi', () => {
  it('sends a Job-UUID header and resolves with the BACKGROUND_JOB body', async () => {
    const { server, client } = await connectedPair();
    const events: string[] = [];
    client.on('event', (e) => void events.push(e.name));
    server.onBgapi = () => '-ERR USER_BUSY\n';
    await expect(client.bgapi('originate sofia/internal/1000@127.0.0.1:5074 &park()')).resolves.toBe(
      '-ERR USER_BUSY\n',
    );
    const cmd = server.last!.commands.find((c) => c.line.startsWith('bgapi '))!;
    expect(cmd.line).toBe('bgapi originate sofia/internal/1000@127.0.0.1:5074 &park()'); // no trailing space
    expect(cmd.headers['Job-UUID']).toMatch(/^[0-9a-f-]{36}$/);
    expect(events).toEqual(['BACKGROUND_JOB']); // listeners see it too
    expect(client.pending).toEqual(idle);
  });

  it('finds its job even when the BACKGROUND_JOB arrives before the command/reply, in one TCP write', async () => {
    const { server, client } = await connectedPair();
    server.onCommand = (cmd, session) => {
      if (!cmd.line.startsWith('bgapi ')) return false;
      const jobUuid = cmd.headers['Job-UUID']!;
      session.write(
        Buffer.concat([
          fsFrames.backgroundJobJson(
            jobUuid,
            cmd.line.slice(6),
            '+OK 0ae98fd4-bb9b-4233-a629-b868315e70ac\n',
          ),
          fsFrames.bgapiReply(jobUuid),
        ]),
      );
      return true;
    };
    await expect(client.bgapi('originate user/1000 &park()')).resolves.toBe(
      '+OK 0ae98fd4-bb9b-4233-a629-b868315e70ac\n',
    );
    await expect(client.api('version')).resolves.toContain('FreeSWITCH Version');
    expect(client.pending).toEqual(idle);
  });

  it('times out waiting for the BACKGROUND_JOB and leaves nothing behind; the late job is just an event', async () => {
    const { server, client } = await connectedPair();
    let job: { jobUuid: string; command: string } | undefined;
    server.onBgapi = (command, jobUuid) => void (job = { command, jobUuid });
    const err = await client.bgapi('originate user/1000 &park()', { timeoutMs: 80 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EslTimeoutError);
    expect((err as Error).message).toContain('BACKGROUND_JOB');
    expect(client.pending).toEqual(idle);
    const seen: string[] = [];
    client.on('event', (e) => void seen.push(e.headers['Job-UUID'] ?? ''));
    server.last!.write(fsFrames.backgroundJobJson(job!.jobUuid, job!.command, '+OK late\n'));
    await eventually(() => seen.length === 1);
    expect(seen).toEqual([job!.jobUuid]);
    expect(client.state).toBe('connected');
  });

  it('resolves with the Reply-Text when FreeSWITCH refuses to start the job', async () => {
    const { server, client } = await connectedPair();
    server.onCommand = (cmd, session) => {
      if (!cmd.line.startsWith('bgapi ')) return false;
      session.write(fsFrames.commandNotFound());
      return true;
    };
    await expect(client.bgapi('status')).resolves.toBe('-ERR command not found');
    expect(client.pending).toEqual(idle);
  });

  it('rejects a pending bgapi at once when the connection drops', async () => {
    const { server, client } = await connectedPair();
    const pending = client.bgapi('originate user/1000 &park()', { timeoutMs: 5000 });
    await eventually(() => client.pending.jobs === 1 && !client.pending.awaitingReply);
    server.last!.reset();
    await expect(pending).rejects.toBeInstanceOf(EslDisconnectedError);
    expect(client.pending).toEqual(idle);
  });
});

describe('EslClient command guard', () => {
  it('refuses CR, LF and NUL before anything is written, and the stream stays usable', async () => {
    const { server, client } = await connectedPair();
    const linesBefore = server.commandLines().length;
    const attacks = [
      'status\nbgapi originate user/1000 &park()',
      'status\r\nexit',
      'status\0exit',
      'conference demo kick 5\n\nexit',
      'status\r',
    ];
    for (const attack of attacks) {
      await expect(client.api(attack)).rejects.toBeInstanceOf(EslUnsafeCommandError);
      await expect(client.bgapi(attack)).rejects.toBeInstanceOf(EslUnsafeCommandError);
    }
    expect(client.pending).toEqual(idle);
    // requests go out in order: when this one is answered, nothing written before it is still to come
    await expect(client.api('version')).resolves.toContain('FreeSWITCH Version');
    expect(server.commandLines().slice(linesBefore)).toEqual(['api version']);
    const text = server.receivedText();
    expect(text).not.toContain('originate');
    expect(text).not.toContain('exit');
    expect(text).not.toContain('\r');
    expect(text).not.toContain('\0');
  });
});
