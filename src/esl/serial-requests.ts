// The one-request-at-a-time line of api/bgapi requests of an ESL session, with timeouts.
//
// ESL has no request ids: replies come back in the order commands were written. modesl pairs them
// with callbacks by position in two queues, so overlapping requests (node-esl #75) or a reply of the
// other type would shift later replies onto the wrong callers. Here one request is on the wire at a
// time and the wire is freed only by that request's own reply. A request whose reply does not come
// in time is stuck: a late reply could no longer be told apart from the next request's, so the line
// reports it (`onStuck`) and the session is dropped; nothing queued behind it is ever written on that
// session. bgapi requests then wait for their BACKGROUND_JOB, registered before the command is written.
import { randomUUID } from 'node:crypto';
import { EslDisconnectedError, EslNotSentError, EslTimeoutError } from './errors.js';

export type RequestKind = 'api' | 'bgapi';

/** How the line writes a request; `onReply` must be called with that request's reply. */
export interface RequestWriter {
  api(command: string, onReply: (body: string) => void): void;
  bgapi(command: string, jobUuid: string, onReply: (replyText: string) => void): void;
}

export interface RequestTiming {
  /** From enqueueing to the reply on the wire (api/response, or bgapi's command/reply). */
  replyTimeoutMs: number;
  /** bgapi only: from enqueueing to the BACKGROUND_JOB (>= replyTimeoutMs). */
  jobTimeoutMs?: number;
  /** bgapi only: FreeSWITCH acknowledged the job (`+OK Job-UUID`): it runs now, whatever happens next. */
  onAccepted?: () => void;
}

interface PendingRequest {
  kind: RequestKind;
  command: string;
  timing: RequestTiming;
  phase: 'queued' | 'wire' | 'job';
  jobUuid: string | undefined;
  replyTimer: NodeJS.Timeout | undefined;
  jobTimer: NodeJS.Timeout | undefined;
  settled: boolean;
  resolve: (body: string) => void;
  reject: (error: Error) => void;
}

export class SerialRequests {
  /** Not yet written, in order (a Set: O(1) removal when one times out while queued). */
  private readonly queue = new Set<PendingRequest>();
  /** Written; its reply is still owed by the peer. */
  private wire: PendingRequest | undefined;
  /** bgapi requests waiting for their BACKGROUND_JOB, by Job-UUID. */
  private readonly jobs = new Map<string, PendingRequest>();
  /** Bumped by rejectAll: a reply callback from an ended session must not touch the new one. */
  private epoch = 0;

  constructor(
    private readonly nodeId: string,
    private readonly newJobUuid: () => string = randomUUID,
    /** A written request got no reply in time: the session must be dropped. */
    private readonly onStuck: (timeoutMs: number) => void = () => undefined,
  ) {}

  /** What kind of reply the peer owes next, if any. */
  get awaiting(): RequestKind | undefined {
    return this.wire?.kind;
  }

  get sizes(): { queued: number; awaitingReply: boolean; jobs: number } {
    return { queued: this.queue.size, awaitingReply: this.wire !== undefined, jobs: this.jobs.size };
  }

  /** Queues a request; its timers start now (queueing counts against them). */
  enqueue(kind: RequestKind, command: string, timing: RequestTiming): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const req: PendingRequest = {
        kind,
        command,
        timing,
        phase: 'queued',
        jobUuid: undefined,
        replyTimer: undefined,
        jobTimer: undefined,
        settled: false,
        resolve,
        reject,
      };
      req.replyTimer = setTimeout(() => this.replyTimedOut(req), timing.replyTimeoutMs);
      req.replyTimer.unref();
      if (kind === 'bgapi' && timing.jobTimeoutMs !== undefined) {
        req.jobTimer = setTimeout(() => this.jobTimedOut(req), timing.jobTimeoutMs);
        req.jobTimer.unref();
      }
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
    req.phase = 'wire';
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
      clearTimeout(req.replyTimer);
      if (!replyText.startsWith('+OK')) {
        // FreeSWITCH refused to start the job: no BACKGROUND_JOB will come.
        this.jobs.delete(jobUuid);
        settle(req, () => req.resolve(replyText));
      } else if (!req.settled) {
        req.phase = 'job';
        req.timing.onAccepted?.();
      }
      this.pump(writer);
    });
  }

  /** Resolves the bgapi waiting for this job, if any. Returns whether one was waiting. */
  backgroundJob(jobUuid: string, body: string): boolean {
    const req = this.jobs.get(jobUuid);
    if (!req) return false;
    this.jobs.delete(jobUuid);
    // A BACKGROUND_JOB may come before its command/reply (one TCP write): the job ran, so it was accepted.
    if (req.phase === 'wire') req.timing.onAccepted?.();
    settle(req, () => req.resolve(body));
    return true;
  }

  /**
   * Rejects everything (the session ended); the line is empty afterwards. Queued requests were never
   * sent; the one on the wire and the jobs were, so their outcome is unknown.
   */
  rejectAll(reason: string): void {
    this.epoch++;
    const queued = [...this.queue];
    const written = new Set([...this.jobs.values(), ...(this.wire ? [this.wire] : [])]);
    this.queue.clear();
    this.jobs.clear();
    this.wire = undefined;
    const notSent = new EslDisconnectedError(this.nodeId, reason, false);
    const unknown = new EslDisconnectedError(this.nodeId, reason, true);
    for (const req of queued) settle(req, () => req.reject(notSent));
    for (const req of written) settle(req, () => req.reject(unknown));
  }

  private freeWire(req: PendingRequest): void {
    if (this.wire === req) this.wire = undefined;
  }

  private replyTimedOut(req: PendingRequest): void {
    if (req.settled) return;
    const ms = req.timing.replyTimeoutMs;
    if (req.phase === 'queued') {
      this.queue.delete(req);
      settle(req, () => req.reject(new EslNotSentError(this.nodeId, ms)));
      return;
    }
    if (req.phase !== 'wire') return;
    if (req.jobUuid) this.jobs.delete(req.jobUuid);
    settle(req, () => req.reject(new EslTimeoutError(this.nodeId, ms, 'reply')));
    // The wire stays taken: its reply, if it ever comes, must not reach the next request.
    this.onStuck(ms);
  }

  private jobTimedOut(req: PendingRequest): void {
    if (req.settled) return;
    if (req.phase === 'queued') {
      this.queue.delete(req);
      settle(req, () => req.reject(new EslNotSentError(this.nodeId, req.timing.jobTimeoutMs ?? 0)));
      return;
    }
    if (req.jobUuid) this.jobs.delete(req.jobUuid);
    const ms = req.timing.jobTimeoutMs ?? 0;
    const what = req.phase === 'job' ? 'BACKGROUND_JOB' : 'reply';
    settle(req, () => req.reject(new EslTimeoutError(this.nodeId, ms, what)));
    if (req.phase === 'wire') this.onStuck(ms);
  }
}

function settle(req: PendingRequest, fn: () => void): void {
  if (req.settled) return;
  req.settled = true;
  clearTimeout(req.replyTimer);
  clearTimeout(req.jobTimer);
  req.replyTimer = undefined;
  req.jobTimer = undefined;
  fn();
}
