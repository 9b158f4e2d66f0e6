// Conference commands that act on one member (`mute 13`, `energy all 300` ...), with FreeSWITCH's
// replies and events (conference_api.c). The dispatcher resolves `<id>|all|last|non_moderator`.
import type { Conference } from './conference.js';
import { CONF_SITES, fireMemberEvent } from './conference-events.js';
import type { Conferences } from './conferences.js';
import type { SimContext } from './context.js';
import type { Member } from './member.js';

export interface MemberCommandHost {
  ctx: SimContext;
  conferences: Conferences;
  /** `hup`/`kick`: the member leaves (del-member) shortly after, then its call is hung up. */
  removeMember(conf: Conference, member: Member, reason: 'hup' | 'kick'): void;
}

export type MemberCommand = (host: MemberCommandHost, conf: Conference, m: Member, data?: string) => string;

/** switch_normalize_volume: levels stay within -4..4. */
const normalizeVolume = (v: number): number => Math.max(-4, Math.min(4, v));

/** C's atoi: leading whitespace, optional sign, digits; anything else stops it. */
export function atoi(text: string | undefined): number {
  const m = /^\s*([+-]?\d+)/.exec(text ?? '');
  return m ? Number.parseInt(m[1]!, 10) | 0 : 0;
}

function mute(host: MemberCommandHost, conf: Conference, m: Member, data?: string): string {
  m.canSpeak = false;
  m.talking = false;
  fireMemberEvent(host.ctx, conf, m, 'mute-member', CONF_SITES.mute);
  if (!data?.includes('quiet')) host.conferences.media.playToMember(conf, m, host.conferences.sounds.muted);
  return `+OK mute ${m.id}\n`;
}

function unmute(host: MemberCommandHost, conf: Conference, m: Member, data?: string): string {
  m.canSpeak = true;
  fireMemberEvent(host.ctx, conf, m, 'unmute-member', CONF_SITES.unmute);
  if (!data?.includes('quiet')) host.conferences.media.playToMember(conf, m, host.conferences.sounds.unmuted);
  return `+OK unmute ${m.id}\n`;
}

function level(kind: 'energy' | 'volume_in' | 'volume_out'): MemberCommand {
  return (host, conf, m, data) => {
    const get = (): number =>
      kind === 'energy' ? m.energy : kind === 'volume_in' ? m.volumeIn : m.volumeOut;
    const set = (v: number): void => {
      if (kind === 'energy') m.energy = v;
      else if (kind === 'volume_in') m.volumeIn = normalizeVolume(v);
      else m.volumeOut = normalizeVolume(v);
    };
    if (data !== undefined) {
      const step = kind === 'energy' ? 200 : 1;
      if (data.toLowerCase() === 'up') set(kind === 'energy' ? Math.min(1800, get() + step) : get() + step);
      else if (data.toLowerCase() === 'down')
        set(kind === 'energy' ? Math.max(0, get() - step) : get() - step);
      else set(atoi(data));
    }
    if (kind === 'energy') {
      if (data !== undefined)
        fireMemberEvent(host.ctx, conf, m, 'energy-level-member', CONF_SITES.energy, {
          after: [['Energy-Level', String(m.energy)]],
        });
      return `Energy ${m.id} = ${m.energy}\n`;
    }
    const inOut = kind === 'volume_in' ? 'IN' : 'OUT';
    if (data !== undefined)
      fireMemberEvent(
        host.ctx,
        conf,
        m,
        kind === 'volume_in' ? 'volume-in-member' : 'volume-out-member',
        kind === 'volume_in' ? CONF_SITES.volumeIn : CONF_SITES.volumeOut,
        { after: [['Volume-Level', String(get())]] },
      );
    return `+OK Volume ${inOut} ${m.id} = ${get()}\n`;
  };
}

export const MEMBER_COMMANDS: Record<string, MemberCommand> = {
  mute,
  unmute,
  tmute: (host, conf, m, data) => (m.canSpeak ? mute(host, conf, m, data) : unmute(host, conf, m, data)),
  deaf: (host, conf, m) => {
    m.canHear = false;
    fireMemberEvent(host.ctx, conf, m, 'deaf-member', CONF_SITES.deaf);
    return `+OK deaf ${m.id}\n`;
  },
  undeaf: (host, conf, m) => {
    m.canHear = true;
    fireMemberEvent(host.ctx, conf, m, 'undeaf-member', CONF_SITES.undeaf);
    return `+OK undeaf ${m.id}\n`;
  },
  kick: (host, conf, m) => {
    fireMemberEvent(host.ctx, conf, m, 'kick-member', CONF_SITES.kick);
    host.removeMember(conf, m, 'kick');
    return `+OK kicked ${m.id}\n`;
  },
  hup: (host, conf, m) => {
    fireMemberEvent(host.ctx, conf, m, 'hup-member', CONF_SITES.hup);
    host.removeMember(conf, m, 'hup');
    return `+OK hup ${m.id}\n`;
  },
  energy: level('energy'),
  volume_in: level('volume_in'),
  volume_out: level('volume_out'),
  dtmf: (host, conf, m, data) => {
    if (!data) return '-ERR Invalid input!\n';
    fireMemberEvent(host.ctx, conf, m, 'dtmf-member', CONF_SITES.dtmf, { after: [['Digits', data]] });
    return `+OK sent ${data} to ${m.id}\n`;
  },
  floor: (host, conf, m) => {
    if (conf.floorHolder === m) {
      host.conferences.giveFloor(conf, undefined);
      return '+OK floor none\n';
    }
    if (!conf.floorHolder) {
      host.conferences.giveFloor(conf, m);
      return `+OK floor ${m.id}\n`;
    }
    return `-ERR floor is held by ${conf.floorHolder.id}\n`;
  },
  'get-uuid': (_host, _conf, m) => m.channel.uuid,
};
