// A channel's caller profile and the headers FreeSWITCH derives from it
// (switch_caller_profile_event_set_data): every optional field is emitted only when it is non-empty,
// which is why SIP legs show `Caller-Username`/`Caller-Network-Addr` and loopback legs `Caller-Dialplan`.

export interface ProfileTimes {
  profileCreated: number;
  channelCreated: number;
  answered: number;
  progress: number;
  progressMedia: number;
  hangup: number;
  transfer: number;
  resurrect: number;
  bridged: number;
  lastHold: number;
  holdAccum: number;
}

export interface CallerProfile {
  direction: 'inbound' | 'outbound';
  logicalDirection: 'inbound' | 'outbound';
  username?: string;
  dialplan?: string;
  callerIdName: string;
  callerIdNumber: string;
  origCallerIdName: string;
  origCallerIdNumber: string;
  calleeIdName?: string;
  calleeIdNumber?: string;
  networkAddr?: string;
  ani?: string;
  destinationNumber: string;
  uuid: string;
  source: string;
  transferSource?: string;
  context: string;
  rdnis?: string;
  channelName: string;
  /** Caller-Profile-Index; omitted for the Other-Leg copy. */
  profileIndex?: string;
  times: ProfileTimes;
}

export function zeroTimes(): ProfileTimes {
  return {
    profileCreated: 0,
    channelCreated: 0,
    answered: 0,
    progress: 0,
    progressMedia: 0,
    hangup: 0,
    transfer: 0,
    resurrect: 0,
    bridged: 0,
    lastHold: 0,
    holdAccum: 0,
  };
}

export function cloneProfile(p: CallerProfile): CallerProfile {
  return { ...p, times: { ...p.times } };
}

/** The `<prefix>-*` headers of a profile, in FreeSWITCH's order. */
export function profileHeaders(prefix: string, p: CallerProfile): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const add = (name: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') out.push([`${prefix}-${name}`, value]);
  };
  add('Direction', p.direction);
  add('Logical-Direction', p.logicalDirection);
  add('Username', p.username);
  add('Dialplan', p.dialplan);
  add('Caller-ID-Name', p.callerIdName);
  add('Caller-ID-Number', p.callerIdNumber);
  add('Orig-Caller-ID-Name', p.origCallerIdName);
  add('Orig-Caller-ID-Number', p.origCallerIdNumber);
  add('Callee-ID-Name', p.calleeIdName);
  add('Callee-ID-Number', p.calleeIdNumber);
  add('Network-Addr', p.networkAddr);
  add('ANI', p.ani);
  add('Destination-Number', p.destinationNumber);
  add('Unique-ID', p.uuid);
  add('Source', p.source);
  add('Transfer-Source', p.transferSource);
  add('Context', p.context);
  add('RDNIS', p.rdnis);
  add('Channel-Name', p.channelName);
  add('Profile-Index', p.profileIndex);
  const t = p.times;
  add('Profile-Created-Time', String(t.profileCreated));
  add('Channel-Created-Time', String(t.channelCreated));
  add('Channel-Answered-Time', String(t.answered));
  add('Channel-Progress-Time', String(t.progress));
  add('Channel-Progress-Media-Time', String(t.progressMedia));
  add('Channel-Hangup-Time', String(t.hangup));
  add('Channel-Transfer-Time', String(t.transfer));
  add('Channel-Resurrect-Time', String(t.resurrect));
  add('Channel-Bridged-Time', String(t.bridged));
  add('Channel-Last-Hold', String(t.lastHold));
  add('Channel-Hold-Accum', String(t.holdAccum));
  add('Screen-Bit', 'true');
  add('Privacy-Hide-Name', 'false');
  add('Privacy-Hide-Number', 'false');
  return out;
}
