// The one-request-at-a-time line of api/bgapi requests of an ESL session, with timeouts.
//
// ESL has no request ids: replies come back in the order commands were written. modesl pairs them
// with callbacks by position in two queues, so overlapping requests (node-esl #75), a reply of the
// other type, or a timed-out request whose callback is removed would all shift later replies onto
// the wrong callers. Here one request is on the wire at a time and the wire is freed only by that
// request's own reply: a reply that arrives after its request timed out is consumed by it, never by
// the next. bgapi requests then wait for their BACKGROUND_JOB, registered before the command is written.
import { randomUUID } from 'node:crypto';
import { EslDisconnectedError, EslTimeoutError } from './errors.js';

export type RequestKind = 'api' | 'bgapi';

/** How the line writes a request; `onReply` must be called with that request's reply. */
export interface RequestWriter {
  api(command: string, onReply: (body: string) => void): void;
  bgapi(command: string, jobUuid: string, onReply: (replyText: string) => void): void;
}

interface PendingRequest {
  kind: RequestKind;
  command: string;
  timeoutMs: number;
  jobUuid: string | undefined;
  timer: NodeJS.Timeout | undefined;
  settled: boolean;
  resolve: (body: string) => void;
  reject: (error: Error) => void;
}

export class SerialRequests {
  /** Not yet written, in order (a Set: O(1) removal when one times out while queued). */
  private readonly queue = new Set<PendingRequest>();
  /** Written; its reply is still owed by the peer (even if the request itself timed out). */
  private wire: PendingRequest | undefined;
  /** bgapi requests waiting for their BACKGROUND_JOB, by Job-UUID. */
  private readonly jobs = new Map<string, PendingRequest>();
  /** Bumped by rejectAll: a reply callback from an ended session must not touch the new one. */
  private epoch = 0;

  constructor(
    private readonly nodeId: string,
    private readonly newJobUuid: () => string = randomUUID,
  ) {}

  /** What kind of reply the peer owes next, if any. */
  get awaiting(): RequestKind | undefined {
    return this.wire?.kind;
  }

  get sizes(): { queued: number; awaitingReply: boolean; jobs: number } {
    return { queued: this.queue.size, awaitingReply: this.wire !== undefined, jobs: this.jobs.size };
  }

  /** Queues a request; its timer covers queueing, the reply and (bgapi) the BACKGROUND_JOB. */
  enqueue(kind: RequestKind, command: string, timeoutMs: number): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const req: PendingRequest = {
        kind,
        command,
        timeoutMs,
        jobUuid: undefined,
        timer: undefined,
        settled: false,
        resolve,
        reject,
      };
      req.timer = setTimeout(() => this.timeOut(req), timeoutMs);
      req.timer.unref();
      this.queue.add(req);
    });
  }

  /** Writes the next queued request if the wire is free. */
  pump(writer: RequestWriter): void {
    if (this.wire) return;
    const next = this.queue.values().next();
    if (next.done) return;
    const req = next.value;
    this.queue.delete(req);
    this.wire = req;
    const epoch = this.epoch;
    if (req.kind === 'api') {
      writer.api(req.command, (body) => {
        if (epoch !== this.epoch) return;
        this.freeWire(req);
        settle(req, () => req.resolve(body));
        this.pump(writer);
      });
      return;
    }
    const jobUuid = this.newJobUuid();
    req.jobUuid = jobUuid;
    this.jobs.set(jobUuid, req); // before the bytes leave: a BACKGROUND_JOB can never be early
    writer.bgapi(req.command, jobUuid, (replyText) => {
      if (epoch !== this.epoch) return;
      this.freeWire(req);
      if (!replyText.startsWith('+OK')) {
        // FreeSWITCH refused to start the job: no BACKGROUND_JOB will come.
        this.jobs.delete(jobUuid);
        settle(req, () => req.resolve(replyText));
      }
      this.pump(writer);
    });
  }

  /** Resolves the bgapi waiting for this job, if any. Returns whether one was waiting. */
  backgroundJob(jobUuid: string, body: string): boolean {
    const req = this.jobs.get(jobUuid);
    if (!req) return false;
    this.jobs.delete(jobUuid);
    settle(req, () => req.resolve(body));
    return true;
  }

  /** Rejects everything (the session ended); the line is empty afterwards. */
  rejectAll(reason: string): void {
    this.epoch++;
    const error = new EslDisconnectedError(this.nodeId, reason);
    const all = new Set([...this.queue, ...this.jobs.values(), ...(this.wire ? [this.wire] : [])]);
    this.queue.clear();
    this.jobs.clear();
    this.wire = undefined;
    for (const req of all) settle(req, () => req.reject(error));
  }

  private freeWire(req: PendingRequest): void {
    if (this.wire === req) this.wire = undefined;
  }

  private timeOut(req: PendingRequest): void {
    if (req.settled) return;
    this.queue.delete(req);
    if (req.jobUuid) this.jobs.delete(req.jobUuid);
    // A written request stays on the wire until its reply arrives: that reply belongs to no one else.
    const what = req.kind === 'bgapi' && this.wire !== req && req.jobUuid ? 'BACKGROUND_JOB' : 'reply';
    settle(req, () => req.reject(new EslTimeoutError(this.nodeId, req.timeoutMs, what)));
  }
}

function settle(req: PendingRequest, fn: () => void): void {
  if (req.settled) return;
  req.settled = true;
  clearTimeout(req.timer);
  req.timer = undefined;
  fn();
}
