// The variables a leg records when its bridge ends and when it hangs up (CHANNEL_UNBRIDGE,
// CHANNEL_HANGUP, CHANNEL_HANGUP_COMPLETE): which lists apply depends on how the call ended (BYE sent
// or received, CANCEL, refused, unreachable) and on the leg's side of the bridge.
import type { Channel } from './channel.js';
import { legMeta } from './legs.js';
import { BRIDGE_VARS, RTP_STATS, SIP_DIALOG, SIP_TERM } from './var-lists.js';
import type { VarOp } from './var-types.js';
import { cdrVars } from './var-recipes.js';

export const PLAYBACK_VARS = [
  'playback_last_offset_pos',
  'playback_seconds',
  'playback_ms',
  'playback_samples',
];

/** The peer's hangup was a BYE from the far end (the other side then learns a SIP phrase). */
const endedByBye = (ch: Channel | undefined): boolean => ch?.facts.ending === 'recv_bye';

/** The A side's CHANNEL_UNBRIDGE. */
export function unbridgeOps(a: Channel): VarOp[] {
  const peer = a.facts.bridgePeer;
  if (a.facts.endedBridge) {
    const ops: VarOp[] = [{ del: 'bridge_to' }];
    if (a.facts.ending === 'recv_bye') ops.push('sip_hangup_disposition');
    return [...ops, 'bridge_hangup_cause'];
  }
  const ops: VarOp[] = [
    { del: 'bridge_to' },
    'last_bridge_to',
    'bridge_channel',
    'bridge_uuid',
    'signal_bond',
  ];
  if (a.direction === 'inbound' && !a.vars.has('originate_signal_bond') && !ackedAtBridge(a))
    ops.push(...SIP_DIALOG);
  ops.push('last_sent_callee_id_name', 'last_sent_callee_id_number');
  if (endedByBye(peer)) ops.push('sip_hangup_phrase');
  ops.push('last_bridge_hangup_cause');
  if (endedByBye(peer)) ops.push('last_bridge_proto_specific_hangup_cause');
  return [...ops, 'bridge_hangup_cause'];
}

/** Whether an inbound caller's dialog variables were already refreshed when the bridge came up. */
function ackedAtBridge(a: Channel): boolean {
  const names = a.vars.names();
  return (
    names.indexOf('sip_full_to') > names.indexOf('originate_causes') &&
    names.indexOf('originate_causes') !== -1
  );
}

/** CHANNEL_HANGUP: what the bridge's end and the SIP signalling leave behind. */
export function hangupOps(ch: Channel): VarOp[] {
  const bridged = ch.facts.bridgePeer !== undefined && !ch.facts.bridgeOver;
  const ending = ch.facts.ending;
  if (bridged && ch.facts.endedBridge) {
    return [...BRIDGE_VARS, ...(ending === 'recv_bye' ? SIP_TERM : []), 'last_bridge_role'];
  }
  if (bridged && ch.other?.type === 'originator') {
    // the B side learns that the A side ended the bridge
    const peer = ch.facts.bridgePeer;
    const ops: VarOp[] = [{ del: 'bridge_to' }, ...BRIDGE_VARS.slice(1)];
    if (endedByBye(peer)) ops.push('sip_hangup_phrase');
    ops.push('last_bridge_hangup_cause');
    if (endedByBye(peer)) ops.push('last_bridge_proto_specific_hangup_cause');
    return ops;
  }
  if (ch.endpoint !== 'sofia' || bridged) return [];
  if (ch.direction === 'outbound' && ending === 'recv_refuse')
    return [
      'sip_call_id',
      'sip_local_network_addr',
      'sip_reply_host',
      'sip_reply_port',
      'sip_network_ip',
      'sip_network_port',
      'sip_hangup_disposition',
      'sip_invite_failure_status',
      'sip_invite_failure_phrase',
      ...SIP_TERM,
    ];
  if (ch.direction === 'outbound' && ending === 'unreachable')
    return [
      'sip_call_id',
      'sip_local_network_addr',
      ['sip_reply_port', '0'],
      ['sip_network_port', '0'],
      'sip_hangup_disposition',
      'sip_invite_failure_status',
      'sip_invite_failure_phrase',
      ...SIP_TERM,
    ];
  return ending === 'recv_bye' ? SIP_TERM : [];
}

/** CHANNEL_HANGUP_COMPLETE: the CDR stamps, media statistics and SIP disposition. */
export function hangupCompleteOps(ch: Channel): VarOp[] {
  const meta = legMeta(ch);
  const ended = ch.facts.endedBridge === true;
  const bSide = ch.other?.type === 'originator' && ch.facts.bridgePeer !== undefined;
  const interrupted: VarOp[] = ch.facts.playback ? [...PLAYBACK_VARS, 'current_application_response'] : [];
  if (ch.endpoint === 'loopback') {
    const head: VarOp[] = meta.role === 'loop-a' && ended && bSide ? [{ del: 'bridge_to' }, 'call_uuid'] : [];
    return [...head, ...interrupted, ...cdrVars(ch), 'is_loopback'];
  }
  const media = ch.profile.times.answered ? RTP_STATS : [];
  switch (ch.facts.ending) {
    case 'recv_bye':
      if (ch.direction === 'inbound' && ch.facts.bridgePeer) return [...cdrVars(ch), ...media];
      return [
        ...(bSide ? [{ del: 'bridge_to' }] : []),
        'sip_hangup_disposition',
        ...interrupted,
        ...cdrVars(ch),
        ...media,
      ];
    case 'send_cancel':
      return [
        ...cdrVars(ch),
        'sip_hangup_disposition',
        'sip_invite_failure_status',
        'sip_invite_failure_phrase',
      ];
    case 'recv_refuse':
    case 'unreachable':
      return cdrVars(ch);
    default:
      return [
        ...interrupted,
        ...cdrVars(ch),
        ...(bSide && !ended ? ['bridge_hangup_cause', 'call_uuid'] : []),
        'sip_hangup_disposition',
        ...media,
      ];
  }
}
