// The conferences of one switch: joining (with the policy hook for PIN, max members, mute on entry,
// moderators), leaving, the floor, talking, and a conference's end. Channel work (hanging a member's
// call up after it leaves) is handed back to the host.
import type { Channel } from './channel.js';
import { Conference } from './conference.js';
import { CONF_SITES, fireConferenceEvent, fireFloorChange, fireMemberEvent } from './conference-events.js';
import { ConferenceMedia } from './conference-media.js';
import type { JoinHooks } from './config.js';
import type { SimContext } from './context.js';
import { Member } from './member.js';
import type { ConferenceSounds } from './sounds.js';
import { CONF_DEFAULT_LEADIN_MS } from './sounds.js';
import { stopRecording } from './conference-recording.js';
import { admitCaller, parseConferenceData } from './conference-admission.js';
import type { ConferenceCaller } from './config.js';

export type LeaveReason = 'hup' | 'kick' | 'hangup' | 'transfer' | 'end';

export interface ConferenceHost {
  /** Hang up a member's channel once it has left (hup, kick, conference end). */
  hangupChannel(channel: Channel, cause: string): void;
}

export type JoinOutcome =
  | { ok: true; conf: Conference; member: Member; leftoverDigits: string }
  | { ok: false; reason: 'locked' | 'full' | 'pin' };

export { parseConferenceData };

export class Conferences {
  /** In creation order (`conference list` prints them so). */
  private readonly byName = new Map<string, Conference>();
  readonly media: ConferenceMedia;
  private readonly talkTimers = new Map<Member, () => void>();

  constructor(
    private readonly ctx: SimContext,
    readonly sounds: ConferenceSounds,
    private readonly host: ConferenceHost,
    private readonly hooks: JoinHooks = {},
  ) {
    this.media = new ConferenceMedia(ctx, sounds.moh);
  }

  get(name: string): Conference | undefined {
    return this.byName.get(name);
  }

  all(): Conference[] {
    return [...this.byName.values()];
  }

  /** The member and its conference, by member id (ids are unique across conferences). */
  findMember(id: number): { conf: Conference; member: Member } | undefined {
    for (const conf of this.byName.values()) {
      const member = conf.member(id);
      if (member) return { conf, member };
    }
    return undefined;
  }

  memberOfChannel(channel: Channel): { conf: Conference; member: Member } | undefined {
    for (const conf of this.byName.values())
      for (const member of conf.members) if (member.channel === channel) return { conf, member };
    return undefined;
  }

  private create(name: string, profile: string): Conference {
    const policy = this.hooks.policyFor?.(name, profile) ?? {};
    const conf = new Conference(name, profile, this.ctx.domain, this.ctx.uuid(), this.ctx.now(), policy);
    this.byName.set(name, conf);
    fireConferenceEvent(this.ctx, conf, 'conference-create', CONF_SITES.create);
    return conf;
  }

  /** The awaited part of a join: the profile is fetched (JoinHooks.prepare), if a hook does that. */
  prepare(data: string): Promise<void> | undefined {
    if (this.hooks.prepare === undefined) return undefined;
    const { name, profile } = parseConferenceData(data);
    return this.hooks.prepare(name, profile);
  }

  /**
   * A channel runs `conference(name@profile[+pin][+flags{..}])`. A refused join fires nothing but uses
   * an id. Without `caller` the legacy rules apply (`+pin` is the PIN keyed, policy hooks decide who
   * is a moderator); with it, mod_conference's (conference-admission.ts).
   */
  join(channel: Channel, data: string, existingId?: number, caller?: ConferenceCaller): JoinOutcome {
    const { name, profile, pin, flags } = parseConferenceData(data);
    const id = existingId ?? this.ctx.nextMemberId();
    const existing = this.byName.get(name);
    let moderatorByPin = false;
    let leftoverDigits = '';
    if (caller) {
      const policy = existing ? undefined : (this.hooks.policyFor?.(name, profile) ?? {});
      const admission = admitCaller(
        {
          pin: existing ? existing.pin : policy?.pin,
          moderatorPin: existing ? existing.moderatorPin : policy?.moderatorPin,
          locked: existing?.locked ?? false,
          full: existing !== undefined && existing.maxMembers > 0 && existing.count >= existing.maxMembers,
        },
        pin,
        caller,
      );
      if (!admission.ok) return admission;
      moderatorByPin = admission.moderatorByPin;
      leftoverDigits = admission.leftoverDigits;
    } else if (existing) {
      if (existing.locked) return { ok: false, reason: 'locked' };
      if (existing.maxMembers > 0 && existing.count >= existing.maxMembers)
        return { ok: false, reason: 'full' };
      if (existing.pin && existing.pin !== pin && existingId === undefined)
        return { ok: false, reason: 'pin' };
    } else {
      const policy = this.hooks.policyFor?.(name, profile);
      if (policy?.pin && policy.pin !== pin && existingId === undefined) return { ok: false, reason: 'pin' };
    }
    const conf = existing ?? this.create(name, profile);
    const member = new Member(id, channel, this.ctx.now());
    const hookModerator = () =>
      this.hooks.isModerator?.({
        conference: name,
        profile,
        callerIdName: channel.profile.callerIdName,
        callerIdNumber: channel.profile.callerIdNumber,
        channelUuid: channel.uuid,
      }) ?? false;
    if (caller || flags) {
      // mod_conference: flags given with the data replace the profile's member flags (`mute` there)
      member.canSpeak = flags ? !flags.includes('mute') : !conf.policy.muteOnEntry;
      member.moderator =
        (flags?.includes('moderator') ?? false) || moderatorByPin || (!caller && hookModerator());
      member.endConference = flags?.includes('endconf') ?? false;
    } else {
      member.moderator = hookModerator();
      if (conf.policy.muteOnEntry && !member.moderator) member.canSpeak = false;
      if (conf.policy.endOnOwnerExit && member.moderator) member.endConference = true;
    }
    conf.members.unshift(member);
    channel.conferenceName = name;
    if (conf.policy.ownerRequired) conf.waitingForModerator = !conf.members.some((m) => m.moderator);
    fireMemberEvent(this.ctx, conf, member, 'add-member', CONF_SITES.add);
    if (!conf.floorHolder) this.giveFloor(conf, member);
    if (conf.count >= 2) this.media.stopMoh(conf);
    this.media.enqueue(
      conf,
      conf.count === 1 ? this.sounds.alone : this.sounds.enter,
      CONF_DEFAULT_LEADIN_MS,
    );
    return { ok: true, conf, member, leftoverDigits };
  }

  /** Gives the floor to `member` (or takes it away) and fires floor-change. */
  giveFloor(conf: Conference, member: Member | undefined): void {
    const old = conf.floorHolder;
    conf.floorHolder = member;
    fireFloorChange(this.ctx, conf, member ? old?.id : undefined, member);
  }

  /**
   * A member leaves. `hup`/`kick` fire their own event first (from the API); then the floor is given
   * up, del-member fires, and the conference plays its exit sound, or ends when it is empty.
   */
  leave(conf: Conference, member: Member, reason: LeaveReason): void {
    if (!conf.members.includes(member)) return;
    this.stopTalkLoop(member);
    this.media.stopMember(member);
    if (conf.floorHolder === member) this.giveFloor(conf, undefined);
    conf.members = conf.members.filter((m) => m !== member);
    fireMemberEvent(this.ctx, conf, member, 'del-member', CONF_SITES.del);
    member.talking = false;
    if (reason !== 'transfer') member.channel.conferenceName = undefined;
    if (conf.count === 0) {
      this.destroy(conf);
    } else if (member.endConference) {
      this.endConference(conf);
    } else {
      this.media.enqueue(conf, this.sounds.exit);
      if (conf.count === 1) {
        this.media.enqueue(conf, this.sounds.alone, CONF_DEFAULT_LEADIN_MS);
        if (!conf.floorHolder) this.giveFloor(conf, conf.members[0]);
      }
    }
    if (reason === 'hup' || reason === 'kick' || reason === 'end')
      this.host.hangupChannel(member.channel, 'NORMAL_CLEARING');
  }

  /** Everyone out (end-on-owner-exit): each remaining member leaves and is hung up. */
  endConference(conf: Conference): void {
    for (const m of [...conf.members]) this.leave(conf, m, 'end');
  }

  private destroy(conf: Conference): void {
    conf.destroyed = true;
    this.media.closeAll(conf);
    for (const rec of [...conf.recordings]) stopRecording(this.ctx, conf, rec);
    this.byName.delete(conf.name);
    fireConferenceEvent(this.ctx, conf, 'conference-destroy', CONF_SITES.destroy);
  }

  /** Start or stop talking (the demo calls this; tone loops drive it for loopback callers). */
  setTalking(memberId: number, talking: boolean): boolean {
    const found = this.findMember(memberId);
    if (!found) return false;
    const { conf, member } = found;
    if (member.talking === talking || (talking && !member.canSpeak)) return false;
    if (talking) {
      member.talking = true;
      member.currentEnergy = 6563;
      member.talkStarted = this.ctx.now();
      fireMemberEvent(this.ctx, conf, member, 'start-talking', CONF_SITES.startTalking);
      if (conf.floorHolder !== member) this.giveFloor(conf, member);
    } else {
      member.talking = false;
      member.lastTalking = this.ctx.now();
      const ms = Math.round((this.ctx.now() - member.talkStarted) / 1000);
      const packets = Math.max(1, Math.round(ms / 20));
      const hits = Math.round(packets * 0.71);
      fireMemberEvent(this.ctx, conf, member, 'stop-talking', CONF_SITES.stopTalking, {
        before: [
          ['talking-gate-hits', String(hits)],
          ['talking-total-packets', String(packets)],
          ['talking-duration-ms', String(ms)],
          ['talking-average-energy', '6483.656566'],
          ['talking-delta-average', '100.474747'],
          ['talking-hit-on-percent', ((hits / packets) * 100).toFixed(6)],
          ['talking-non-hit-ratio', '1.010101'],
          ['talking-hit-off-percent', '0.719424'],
          ['talking-hit-off-differential', '70.503597'],
        ],
      });
    }
    return true;
  }

  /** A caller that plays `toneMs` of tone every `toneMs + silenceMs`: the member talks in that rhythm. */
  startTalkLoop(member: Member, toneMs: number, silenceMs: number): void {
    const hangoverMs = 740;
    const cycle = (delay: number): void => {
      const cancelStart = this.ctx.clock.schedule(delay, () => {
        this.setTalking(member.id, true);
        const cancelStop = this.ctx.clock.schedule(toneMs + hangoverMs, () => {
          this.setTalking(member.id, false);
          cycle(silenceMs - hangoverMs);
        });
        this.talkTimers.set(member, cancelStop);
      });
      this.talkTimers.set(member, cancelStart);
    };
    cycle(40);
  }

  private stopTalkLoop(member: Member): void {
    this.talkTimers.get(member)?.();
    this.talkTimers.delete(member);
  }
}
