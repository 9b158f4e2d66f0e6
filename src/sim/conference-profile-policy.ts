// A fetched conference.conf profile read the way mod_conference's conference_new reads its params,
// reduced to what the simulator's conferences honour. Pure.
import type { ConferenceJoinPolicy } from './model/config.js';
import { childrenNamed, type XmlElement } from './xml-tree.js';

const flagSet = (value: string | undefined) => new Set((value ?? '').split(/[|,]/).map((f) => f.trim()));

export function conferencePolicyFromProfile(profile: XmlElement): ConferenceJoinPolicy {
  const params = new Map<string, string>();
  for (const p of childrenNamed(profile, 'param')) {
    // conference_new reads names with '_' as '-'; a later param overrides an earlier one
    const name = (p.attrs['name'] ?? '').replace(/_/g, '-').toLowerCase();
    params.set(name, p.attrs['value'] ?? '');
  }
  const policy: ConferenceJoinPolicy = {};
  const max = params.get('max-members');
  if (max !== undefined && /^\d+$/.test(max)) {
    const n = Number(max);
    // conference_new refuses 1 (and anything negative) and keeps no limit
    if (n !== 1) policy.maxMembers = n;
  }
  if (flagSet(params.get('member-flags')).has('mute')) policy.muteOnEntry = true;
  if (flagSet(params.get('conference-flags')).has('wait-mod')) policy.ownerRequired = true;
  const pin = params.get('pin');
  if (pin) policy.pin = pin;
  const mpin = params.get('moderator-pin');
  if (mpin) policy.moderatorPin = mpin;
  const controls = params.get('caller-controls');
  if (controls) policy.callerControls = controls;
  return policy;
}
