// What every part of the model shares: time, identity, the event queue, id generators.
import { randomUUID } from 'node:crypto';
import { buildEvent } from '../event-builder.js';
import type { SimIdentity } from '../types.js';
import type { SimClock } from './clock.js';
import type { EventQueue } from './event-queue.js';
import type { CallSite } from './sites.js';

/** Where a conference recording's audio goes (a real FreeSWITCH writes the file on its host). */
export interface RecordingSink {
  started(path: string): void;
  /** The recording ended after `samples` 16-bit mono samples at 8 kHz. */
  stopped(path: string, samples: number): void;
}

export class SimContext {
  private sessionCounter: number;
  /** Unset: recordings are events only, no file is written (the transcript replays, most tests). */
  recordingSink: RecordingSink | undefined;
  private memberCounter: number;
  /** Sessions created since start and the most at once (`status` prints them). */
  sessionsSinceStart = 0;
  peakSessions = 0;
  /** switch_core_ready(): false from the start of a shutdown. */
  ready = true;
  /** The SIP profile's codec preferences: what an outbound INVITE offers (the first lab's by default). */
  codecPrefs: readonly string[] = ['PCMU', 'PCMA'];
  readonly startedAt: number;

  constructor(
    readonly clock: SimClock,
    readonly identity: SimIdentity,
    readonly queue: EventQueue,
    readonly domain: string,
    firstMemberId = 1,
    firstSessionId = 1,
  ) {
    this.memberCounter = firstMemberId;
    this.sessionCounter = firstSessionId;
    this.startedAt = clock.nowMicros();
  }

  now(): number {
    return this.clock.nowMicros();
  }

  uuid(): string {
    return randomUUID();
  }

  nextSessionId(): number {
    this.sessionsSinceStart++;
    return this.sessionCounter++;
  }

  /** One member-id counter across all conferences, as in mod_conference. */
  nextMemberId(): number {
    return this.memberCounter++;
  }

  /** Builds an event stamped now (leading headers from the shared event builder) and queues it. */
  fire(name: string, site: CallSite, body: Array<[string, string]>, subclass?: string, text?: string): void {
    const source = {
      name,
      callingFile: site.file,
      callingFunction: site.func,
      callingLine: site.line,
      ...(subclass === undefined ? {} : { subclass }),
    };
    this.queue.push(buildEvent(this.identity, source, body, text, () => this.now()));
  }
}
