// A member's keypad (caller controls): conference_member_add picks a group (the channel's
// `conference_controls`, else the profile's `caller-controls`, else `default`; `none` binds nothing),
// conference_member_bind_controls opens conference.conf for it (a mod_xml_curl client may answer,
// else FreeSWITCH's own file, whose only group is vanilla's `default`), and DTMF that reaches the
// member runs the bound action (conference_loop.c). Digits a caller keyed after its PIN arrive here.
import type { Conference } from './conference.js';
import type { ControlBinding, JoinHooks } from './config.js';
import type { MemberCommandHost } from './conference-member-commands.js';
import { MEMBER_COMMANDS } from './conference-member-commands.js';
import type { Member } from './member.js';

/** The caller-controls of vanilla's conference.conf.xml (the file FreeSWITCH falls back to). */
export const VANILLA_CONTROL_GROUPS: Readonly<Record<string, readonly ControlBinding[]>> = {
  default: [
    { action: 'mute', digits: '0' },
    { action: 'deaf mute', digits: '*' },
    { action: 'energy up', digits: '9' },
    { action: 'energy equ', digits: '8' },
    { action: 'energy dn', digits: '7' },
    { action: 'vol talk up', digits: '3' },
    { action: 'vol talk zero', digits: '2' },
    { action: 'vol talk dn', digits: '1' },
    { action: 'vol listen up', digits: '6' },
    { action: 'vol listen zero', digits: '5' },
    { action: 'vol listen dn', digits: '4' },
    { action: 'hangup', digits: '#' },
  ],
};

/** The group conference_member_add binds for a member of `conf`. */
export function controlGroupOf(conf: Conference, channelControls: string | undefined): string {
  return channelControls || conf.policy.callerControls || 'default';
}

/**
 * Runs one bound action the way conference_loop.c's handler does; false for actions the simulator
 * does not model (energy and volume steps, floor, transfer, events).
 */
export function runControl(host: MemberCommandHost, conf: Conference, m: Member, action: string): boolean {
  const cmd = (name: string) => MEMBER_COMMANDS[name]!(host, conf, m);
  switch (action.toLowerCase()) {
    case 'mute': // conference_loop_mute_toggle
      if (m.canSpeak) cmd('mute');
      else {
        cmd('unmute');
        if (!m.canHear) cmd('undeaf');
      }
      return true;
    case 'mute on':
      if (m.canSpeak) cmd('mute');
      return true;
    case 'mute off':
      if (!m.canSpeak) cmd('unmute');
      return true;
    case 'deaf mute': // conference_loop_deafmute_toggle
      if (m.canSpeak) {
        cmd('mute');
        if (m.canHear) cmd('deaf');
      } else {
        cmd('unmute');
        if (!m.canHear) cmd('undeaf');
      }
      return true;
    case 'hangup': // conference_loop_hangup: the member leaves, then its call ends
      host.removeMember(conf, m, 'hup');
      return true;
    default:
      return false;
  }
}

export class ControlBinder {
  constructor(
    private readonly host: MemberCommandHost,
    private readonly hooks: JoinHooks,
  ) {}

  /** Binds `m`'s group, then feeds it `digits` (what the caller keyed after its PIN). */
  async bind(conf: Conference, m: Member, digits: string, channelControls?: string): Promise<void> {
    const group = controlGroupOf(conf, channelControls);
    if (group === 'none') return;
    const fetched = await this.hooks.controls?.({
      conference: conf.name,
      profile: conf.profile,
      group,
      channelUuid: m.channel.uuid,
    });
    const bindings = fetched ?? VANILLA_CONTROL_GROUPS[group] ?? [];
    for (const digit of digits) {
      if (!conf.members.includes(m) || m.channel.hungUp) return;
      const binding = bindings.find((b) => b.digits === digit);
      if (binding !== undefined) runControl(this.host, conf, m, binding.action);
    }
  }
}
