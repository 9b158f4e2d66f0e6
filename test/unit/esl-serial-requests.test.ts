import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EslDisconnectedError, EslTimeoutError } from '../../src/esl/errors.js';
import { SerialRequests, type RequestWriter } from '../../src/esl/serial-requests.js';

/** A writer that records what was written and lets the test answer it. */
function recordingWriter() {
  const written: Array<{
    kind: 'api' | 'bgapi';
    command: string;
    jobUuid?: string;
    answer: (s: string) => void;
  }> = [];
  const writer: RequestWriter = {
    api: (command, onReply) => void written.push({ kind: 'api', command, answer: onReply }),
    bgapi: (command, jobUuid, onReply) =>
      void written.push({ kind: 'bgapi', command, jobUuid, answer: onReply }),
  };
  return { writer, written };
}

let n = 0;
const ids = () => `job-${++n}`;

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('SerialRequests', () => {
  it('writes one request at a time, in order, each resolved by its own reply', async () => {
    const line = new SerialRequests('n', ids);
    const { writer, written } = recordingWriter();
    const a = line.enqueue('api', 'a', 1000);
    const b = line.enqueue('api', 'b', 1000);
    line.pump(writer);
    expect(written.map((w) => w.command)).toEqual(['a']);
    expect(line.awaiting).toBe('api');
    written[0]!.answer('A');
    expect(written.map((w) => w.command)).toEqual(['a', 'b']);
    written[1]!.answer('B');
    await expect(a).resolves.toBe('A');
    await expect(b).resolves.toBe('B');
    expect(line.sizes).toEqual({ queued: 0, awaitingReply: false, jobs: 0 });
  });

  it('keeps a timed-out request on the wire until its reply comes, so the reply cannot reach the next', async () => {
    const line = new SerialRequests('n', ids);
    const { writer, written } = recordingWriter();
    const slow = line.enqueue('api', 'slow', 100);
    line.pump(writer);
    const slowRejected = expect(slow).rejects.toBeInstanceOf(EslTimeoutError);
    vi.advanceTimersByTime(100);
    await slowRejected;
    const next = line.enqueue('api', 'next', 1000);
    line.pump(writer);
    expect(written).toHaveLength(1); // `next` waits
    written[0]!.answer('late reply of slow');
    expect(written.map((w) => w.command)).toEqual(['slow', 'next']);
    written[1]!.answer('reply of next');
    await expect(next).resolves.toBe('reply of next');
  });

  it('bgapi: registers the job before writing, frees the wire on +OK, resolves on BACKGROUND_JOB', async () => {
    const line = new SerialRequests('n', ids);
    const { writer, written } = recordingWriter();
    const job = line.enqueue('bgapi', 'originate x', 1000);
    const after = line.enqueue('api', 'status', 1000);
    line.pump(writer);
    const jobUuid = written[0]!.jobUuid!;
    expect(line.sizes.jobs).toBe(1);
    expect(line.backgroundJob('someone-else', 'x')).toBe(false);
    written[0]!.answer(`+OK Job-UUID: ${jobUuid}`);
    expect(written[1]!.command).toBe('status');
    written[1]!.answer('UP');
    await expect(after).resolves.toBe('UP');
    expect(line.backgroundJob(jobUuid, '+OK uuid\n')).toBe(true);
    await expect(job).resolves.toBe('+OK uuid\n');
    expect(line.sizes).toEqual({ queued: 0, awaitingReply: false, jobs: 0 });
  });

  it('bgapi refused by FreeSWITCH resolves with the reply text and forgets the job', async () => {
    const line = new SerialRequests('n', ids);
    const { writer, written } = recordingWriter();
    const job = line.enqueue('bgapi', 'x', 1000);
    line.pump(writer);
    written[0]!.answer('-ERR no');
    await expect(job).resolves.toBe('-ERR no');
    expect(line.sizes.jobs).toBe(0);
  });

  it('a bgapi timing out after its command/reply names the BACKGROUND_JOB and forgets the job', async () => {
    const line = new SerialRequests('n', ids);
    const { writer, written } = recordingWriter();
    const job = line.enqueue('bgapi', 'x', 50);
    line.pump(writer);
    written[0]!.answer('+OK Job-UUID: j');
    const rejected = expect(job).rejects.toThrow(/BACKGROUND_JOB/);
    vi.advanceTimersByTime(50);
    await rejected;
    expect(line.sizes).toEqual({ queued: 0, awaitingReply: false, jobs: 0 });
    expect(line.backgroundJob(written[0]!.jobUuid!, 'late')).toBe(false);
  });

  it('rejectAll rejects queued, written and waiting requests; stale replies are then ignored', async () => {
    const line = new SerialRequests('n', ids);
    const { writer, written } = recordingWriter();
    const job = line.enqueue('bgapi', 'j', 1000);
    line.pump(writer);
    written[0]!.answer('+OK');
    const onWire = line.enqueue('api', 'w', 1000);
    const queued = line.enqueue('api', 'q', 1000);
    line.pump(writer);
    line.rejectAll('gone');
    for (const p of [job, onWire, queued]) await expect(p).rejects.toBeInstanceOf(EslDisconnectedError);
    expect(line.sizes).toEqual({ queued: 0, awaitingReply: false, jobs: 0 });
    written[1]!.answer('stale'); // from the ended session: must neither resolve nor write anything
    expect(written).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clears every timer once settled', async () => {
    const line = new SerialRequests('n', ids);
    const { writer, written } = recordingWriter();
    const p = line.enqueue('api', 'a', 1000);
    line.pump(writer);
    expect(vi.getTimerCount()).toBe(1);
    written[0]!.answer('ok');
    await p;
    expect(vi.getTimerCount()).toBe(0);
  });
});
