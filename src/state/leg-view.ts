// One leg of a call as the admin views show it, the same in /api/activecalls and the event stream.
import type { Channel, ChannelPhase } from './calls.js';

export interface LegView {
  uuid: string;
  name: string;
  direction: 'inbound' | 'outbound';
  user: string;
  'caller-id-number': string;
  'caller-id-name': string;
  destination: string;
  state: ChannelPhase;
  /** On hold. */
  held: boolean;
  'created-time': number;
  'answered-time': number | null;
}

export function legView(leg: Channel): LegView {
  return {
    uuid: leg.uuid,
    name: leg.name,
    direction: leg.direction,
    user: leg.user ?? '',
    'caller-id-number': leg.callerIdNumber,
    'caller-id-name': leg.callerIdName,
    destination: leg.destination,
    state: leg.phase,
    held: leg.held,
    'created-time': leg.createdAt,
    'answered-time': leg.answeredAt ?? null,
  };
}
