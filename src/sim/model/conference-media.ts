// What a conference plays: a queue of conference-wide files (enter, exit, alone, lock sounds, `play`),
// music on hold while someone is alone, and per-member files (mute/unmute sounds, `play <file> <id>`).
// Each finished file fires play-file-done / play-file-member-done, as conference_file_close does.
import type { Conference } from './conference.js';
import { firePlayFileDone, firePlayFileMemberDone } from './conference-events.js';
import type { SimContext } from './context.js';
import type { Member } from './member.js';
import { fileDurationMs, playbackMs } from './sounds.js';

export class ConferenceMedia {
  private readonly memberTimers = new Map<Member, Array<() => void>>();

  constructor(
    private readonly ctx: SimContext,
    private readonly mohFile: string,
  ) {}

  /** Queues a conference-wide file (after `leadinMs` of silence); it plays after the ones before it. */
  enqueue(conf: Conference, file: string, leadinMs = 0): void {
    if (conf.destroyed) return;
    const durationMs = fileDurationMs(file) ?? 3000;
    conf.fileQueue.push({ file, durationMs, playMs: leadinMs + (playbackMs(file) ?? durationMs) });
    if (!conf.current) this.startNext(conf);
  }

  private startNext(conf: Conference): void {
    const next = conf.fileQueue.shift();
    if (!next) {
      if (conf.count === 1) this.startMoh(conf);
      return;
    }
    const startedAt = this.ctx.now();
    const cancel = this.ctx.clock.schedule(next.playMs, () => {
      conf.current = undefined;
      firePlayFileDone(this.ctx, conf, next.file, next.durationMs, false);
      this.startNext(conf);
    });
    conf.current = { file: next.file, durationMs: next.durationMs, startedAt, async: false, cancel };
  }

  private startMoh(conf: Conference): void {
    if (conf.moh || conf.destroyed) return;
    conf.moh = {
      file: this.mohFile,
      durationMs: 0,
      startedAt: this.ctx.now(),
      async: true,
      cancel: () => {},
    };
  }

  /** Stops music on hold (someone joined, or the conference ends). */
  stopMoh(conf: Conference): void {
    if (!conf.moh) return;
    const elapsed = Math.round((this.ctx.now() - conf.moh.startedAt) / 1000);
    firePlayFileDone(this.ctx, conf, conf.moh.file, elapsed, true);
    conf.moh = undefined;
  }

  /** `stop current|all`: stops the playing file (and for `all` the queue); returns how many stopped. */
  stop(conf: Conference, which: 'current' | 'all' | 'async'): number {
    if (which === 'async') {
      const had = conf.moh ? 1 : 0;
      this.stopMoh(conf);
      return had;
    }
    let stopped = 0;
    if (which === 'all') {
      stopped += conf.fileQueue.length;
      conf.fileQueue = [];
    }
    if (conf.current) {
      const cur = conf.current;
      cur.cancel();
      conf.current = undefined;
      firePlayFileDone(this.ctx, conf, cur.file, Math.round((this.ctx.now() - cur.startedAt) / 1000), false);
      stopped++;
      if (which === 'current') this.startNext(conf);
    }
    return stopped;
  }

  /** The conference is ending: cut what plays, stop music on hold. */
  closeAll(conf: Conference): void {
    conf.fileQueue = [];
    if (conf.current) {
      const cur = conf.current;
      cur.cancel();
      conf.current = undefined;
      firePlayFileDone(this.ctx, conf, cur.file, Math.round((this.ctx.now() - cur.startedAt) / 1000), false);
    }
    this.stopMoh(conf);
  }

  /** Plays a file to one member; play-file-member-done when it ends. */
  playToMember(conf: Conference, member: Member, file: string): void {
    const durationMs = fileDurationMs(file) ?? 3000;
    const timers = this.memberTimers.get(member) ?? [];
    const cancel = this.ctx.clock.schedule(playbackMs(file) ?? durationMs, () => {
      const list = this.memberTimers.get(member);
      if (list) list.splice(list.indexOf(cancel), 1);
      if (conf.members.includes(member)) firePlayFileMemberDone(this.ctx, conf, member, file, durationMs);
    });
    timers.push(cancel);
    this.memberTimers.set(member, timers);
  }

  /** Stops a member's files; returns how many. */
  stopMember(member: Member): number {
    const timers = this.memberTimers.get(member) ?? [];
    for (const cancel of timers) cancel();
    this.memberTimers.delete(member);
    return timers.length;
  }
}
