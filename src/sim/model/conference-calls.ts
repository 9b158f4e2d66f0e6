// The conference commands that place or move calls: `dial`/`bgdial` (conference_outcall: originate a
// leg that joins the conference once it answers, bgdial-result for the background form) and
// `transfer` (the member's call moves to another conference, keeping its member id).
import type { Applications } from './apps.js';
import type { Conference } from './conference.js';
import { CONF_SITES, fireConferenceEvent, fireMemberEvent } from './conference-events.js';
import type { Conferences } from './conferences.js';
import type { SimContext } from './context.js';
import { dialVar, parseDialString } from './dial-string.js';
import type { Member } from './member.js';
import type { Placer } from './originate.js';
import { SIGNALLING_MS } from './originate.js';
import { applyTransferProfile, restoreAfterTransfer } from './transfer.js';

/** How long after `hup`/`kick`/`transfer` the member thread ends (del-member) in the transcripts. */
export const MEMBER_EXIT_MS = 20;

export class ConferenceCalls {
  constructor(
    private readonly ctx: SimContext,
    private readonly placer: Placer,
    private readonly apps: Applications,
    private readonly conferences: Conferences,
  ) {}

  /** conference_outcall: originate `target`; once it answers it runs `conference(name@profile)`. */
  async place(
    confName: string,
    profile: string,
    target: string,
    cidNumber: string | undefined,
    cidName: string | undefined,
    jobUuid?: string,
  ): Promise<{ cause: string }> {
    const dial = parseDialString(target);
    const result = await this.placer.place({
      dial,
      rawDial: target,
      callerId: { ...(cidName ? { name: cidName } : {}), ...(cidNumber ? { number: cidNumber } : {}) },
      timeoutSec: 60,
    });
    const cause = result.ok ? 'SUCCESS' : result.cause;
    if (jobUuid) {
      const conf = this.conferences.get(confName);
      const extra: Array<[string, string]> = [
        ['Result', cause],
        ['Job-UUID', jobUuid],
      ];
      if (result.ok) extra.push(['Peer-UUID', result.channel.uuid]);
      if (conf) fireConferenceEvent(this.ctx, conf, 'bgdial-result', CONF_SITES.bgdial, extra);
    }
    if (result.ok) {
      const ch = result.channel;
      // the answered leg runs `conference <name>[+flags{<outcall_flags>}]` (conference_outcall)
      const flags = dialVar(dial, 'outcall_flags');
      const data = `${confName}@${profile}${flags && flags !== 'none' ? `+flags{${flags}}` : ''}`;
      const join = (): void => {
        if (!ch.hungUp) this.apps.afterAnswer(ch, { type: 'app', app: 'conference', data });
      };
      if (jobUuid) join();
      else ch.timers.push(this.ctx.clock.schedule(SIGNALLING_MS, join));
    }
    return { cause };
  }

  /** `conference <from> transfer <to> <id>`: the member's call is transferred inline to the other one. */
  transfer(from: Conference, member: Member, toName: string, toProfile: string): void {
    const ch = member.channel;
    applyTransferProfile(this.ctx, ch, toName, toProfile);
    fireMemberEvent(this.ctx, from, member, 'transfer', CONF_SITES.transfer, {
      before: [
        ['Old-Conference-Name', from.name],
        ['New-Conference-Name', toProfile === 'default' ? toName : `${toName}@${toProfile}`],
      ],
    });
    this.ctx.clock.schedule(MEMBER_EXIT_MS, () => {
      if (ch.hungUp) return;
      this.conferences.leave(from, member, 'transfer');
      restoreAfterTransfer(ch);
      this.conferences.join(ch, `${toName}@${toProfile}`, member.id);
    });
  }
}
