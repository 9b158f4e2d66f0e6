import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  EslDisconnectedError,
  EslNotSentError,
  EslTimeoutError,
  isOutcomeUnknown,
} from '../../src/esl/errors.js';
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
const api = (ms: number) => ({ replyTimeoutMs: ms });
const bg = (replyMs: number, jobMs = replyMs, onAccepted?: () => void) => ({
  replyTimeoutMs: replyMs,
  jobTimeoutMs: jobMs,
  ...(onAccepted ? { onAccepted } : {}),
});

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('SerialRequests', () => {
  it('writes one request at a time, in order, each resolved by its own reply', async () => {
    const line = new SerialRequests('n', ids);
    const { writer, written } = recordingWriter();
    const a = line.enqueue('api', 'a', api(1000));
    const b = line.enqueue('api', 'b', api(1000));
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

  it('a written request without a reply in time is stuck: 504-class error, onStuck, the wire stays taken', async () => {
    const stuck: number[] = [];
    const line = new SerialRequests('n', ids, (ms) => void stuck.push(ms));
    const { writer, written } = recordingWriter();
    const slow = line.enqueue('api', 'slow', api(100));
    line.pump(writer);
    const next = line.enqueue('api', 'next', api(1000));
    line.pump(writer);
    const slowRejected = expect(slow).rejects.toBeInstanceOf(EslTimeoutError);
    vi.advanceTimersByTime(100);
    await slowRejected;
    expect(stuck).toEqual([100]);
    expect(isOutcomeUnknown(await slow.catch((e: unknown) => e))).toBe(true);
    // The owner drops the session: `next` was never written and is rejected as not sent.
    expect(written).toHaveLength(1);
    line.rejectAll('dropped');
    const err = await next.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EslDisconnectedError);
    expect(isOutcomeUnknown(err)).toBe(false);
    written[0]!.answer('late reply of slow'); // from the dropped session: ignored
    expect(written).toHaveLength(1);
  });

  it('a request that times out while queued was never written: EslNotSentError, nothing stuck', async () => {
    const stuck: number[] = [];
    const line = new SerialRequests('n', ids, (ms) => void stuck.push(ms));
    const { writer, written } = recordingWriter();
    const first = line.enqueue('api', 'first', api(1000));
    const queued = line.enqueue('api', 'queued', api(40));
    line.pump(writer);
    const rejected = expect(queued).rejects.toBeInstanceOf(EslNotSentError);
    vi.advanceTimersByTime(40);
    await rejected;
    expect(isOutcomeUnknown(await queued.catch((e: unknown) => e))).toBe(false);
    expect(stuck).toEqual([]);
    written[0]!.answer('ok');
    await expect(first).resolves.toBe('ok');
    expect(written.map((w) => w.command)).toEqual(['first']);
  });

  it('bgapi: registers the job before writing, frees the wire on +OK, resolves on BACKGROUND_JOB', async () => {
    const line = new SerialRequests('n', ids);
    const { writer, written } = recordingWriter();
    const job = line.enqueue('bgapi', 'originate x', bg(1000));
    const after = line.enqueue('api', 'status', api(1000));
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
    const job = line.enqueue('bgapi', 'x', bg(1000));
    line.pump(writer);
    written[0]!.answer('-ERR no');
    await expect(job).resolves.toBe('-ERR no');
    expect(line.sizes.jobs).toBe(0);
  });

  it('a bgapi timing out after its command/reply names the BACKGROUND_JOB, forgets the job, is not stuck', async () => {
    const stuck: number[] = [];
    const line = new SerialRequests('n', ids, (ms) => void stuck.push(ms));
    const { writer, written } = recordingWriter();
    let accepted = 0;
    const job = line.enqueue(
      'bgapi',
      'x',
      bg(20, 50, () => void accepted++),
    );
    line.pump(writer);
    written[0]!.answer('+OK Job-UUID: j');
    expect(accepted).toBe(1);
    const rejected = expect(job).rejects.toThrow(/BACKGROUND_JOB/);
    vi.advanceTimersByTime(50);
    await rejected;
    expect(stuck).toEqual([]); // the wire was freed by the command/reply: only the job is late
    expect(line.sizes).toEqual({ queued: 0, awaitingReply: false, jobs: 0 });
    expect(line.backgroundJob(written[0]!.jobUuid!, 'late')).toBe(false);
  });

  it('a bgapi without its command/reply within the reply timeout is stuck, never accepted', async () => {
    const stuck: number[] = [];
    const line = new SerialRequests('n', ids, (ms) => void stuck.push(ms));
    const { writer } = recordingWriter();
    let accepted = 0;
    const job = line.enqueue(
      'bgapi',
      'originate',
      bg(30, 60_000, () => void accepted++),
    );
    line.pump(writer);
    const rejected = expect(job).rejects.toBeInstanceOf(EslTimeoutError);
    vi.advanceTimersByTime(30);
    await rejected;
    expect(stuck).toEqual([30]);
    expect(accepted).toBe(0);
    expect(line.sizes.jobs).toBe(0);
  });

  it('a BACKGROUND_JOB before its command/reply counts as accepted', async () => {
    const line = new SerialRequests('n', ids);
    const { writer, written } = recordingWriter();
    let accepted = 0;
    const job = line.enqueue(
      'bgapi',
      'x',
      bg(100, 1000, () => void accepted++),
    );
    line.pump(writer);
    expect(line.backgroundJob(written[0]!.jobUuid!, '+OK done\n')).toBe(true);
    expect(accepted).toBe(1);
    await expect(job).resolves.toBe('+OK done\n');
    written[0]!.answer('+OK Job-UUID: x');
    expect(accepted).toBe(1);
  });

  it('rejectAll rejects queued, written and waiting requests; stale replies are then ignored', async () => {
    const line = new SerialRequests('n', ids);
    const { writer, written } = recordingWriter();
    const job = line.enqueue('bgapi', 'j', bg(1000));
    line.pump(writer);
    written[0]!.answer('+OK');
    const onWire = line.enqueue('api', 'w', api(1000));
    const queued = line.enqueue('api', 'q', api(1000));
    line.pump(writer);
    line.rejectAll('gone');
    const errors = await Promise.all([job, onWire, queued].map((p) => p.catch((e: unknown) => e)));
    for (const err of errors) expect(err).toBeInstanceOf(EslDisconnectedError);
    // The job and the request on the wire reached FreeSWITCH (outcome unknown), the queued one did not.
    expect(errors.map(isOutcomeUnknown)).toEqual([true, true, false]);
    expect(line.sizes).toEqual({ queued: 0, awaitingReply: false, jobs: 0 });
    written[1]!.answer('stale'); // from the ended session: must neither resolve nor write anything
    expect(written).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clears every timer once settled', async () => {
    const line = new SerialRequests('n', ids);
    const { writer, written } = recordingWriter();
    const p = line.enqueue('api', 'a', api(1000));
    line.pump(writer);
    expect(vi.getTimerCount()).toBe(1);
    written[0]!.answer('ok');
    await p;
    expect(vi.getTimerCount()).toBe(0);
  });
});
