// The CHANNEL_* reducer: one event becomes channel and call changes in a node's CallState (calls.ts
// holds the structure and its indexes), and a change record naming the channel and every call it
// touched, for the change feed.
import type { EslEvent } from '../esl/events.js';
import { NO_CHANGES } from './changes.js';
import type { ChannelChange, StateChange } from './changes.js';
import { channelInitFromEvent } from './channel-init.js';
import type { CallState } from './calls.js';
import { merge, removeChannel, touch, updateChannel, upsertChannel } from './calls.js';
import type { Headers } from './event-fields.js';
import { id } from './event-fields.js';

/**
 * Applies one CHANNEL_* event; returns what it changed: one record for the event's channel, naming
 * every call it touched (NO_CHANGES for other events, an unknown channel's late event, a bad uuid).
 */
export function applyChannelEvent(state: CallState, event: EslEvent): readonly StateChange[] {
  const h = event.headers;
  const uuid = id(h, 'Unique-ID');
  if (uuid === undefined) return NO_CHANGES;
  switch (event.name) {
    case 'CHANNEL_CREATE':
    case 'CHANNEL_PROGRESS':
    case 'CHANNEL_PROGRESS_MEDIA':
    case 'CHANNEL_ANSWER':
      return upserted(state, uuid, h, event.name, undefined);
    case 'CHANNEL_BRIDGE':
      return upserted(
        state,
        uuid,
        h,
        event.name,
        id(h, 'Bridge-B-Unique-ID') ?? id(h, 'Other-Leg-Unique-ID'),
      );
    case 'CHANNEL_UNBRIDGE':
    case 'CHANNEL_HOLD':
    case 'CHANNEL_UNHOLD':
    case 'CHANNEL_HANGUP':
    case 'CHANNEL_DATA':
      return updateKnown(state, uuid, h, event.name);
    case 'CHANNEL_HANGUP_COMPLETE':
      if (state.removeOn === 'hangup-complete') return removed(state, uuid);
      return updateKnown(state, uuid, h, event.name);
    case 'CHANNEL_DESTROY':
      return removed(state, uuid);
    default:
      return NO_CHANGES;
  }
}

/** Adds or updates the event's channel; a bridge (`bridgedTo`) then joins the two legs' calls. */
function upserted(
  state: CallState,
  uuid: string,
  h: Headers,
  eventName: string,
  bridgedTo: string | undefined,
): readonly StateChange[] {
  const touched: string[] = [];
  const known = state.channels.get(uuid);
  if (known !== undefined) touch(touched, known.call.id);
  const channel = upsertChannel(state, channelInitFromEvent(uuid, h, eventName), touched);
  if (bridgedTo !== undefined) merge(state, id(h, 'Bridge-A-Unique-ID') ?? uuid, bridgedTo, touched);
  touch(touched, channel.call.id);
  return [channelChange(known === undefined ? 'created' : 'updated', channel.uuid, touched)];
}

function updateKnown(state: CallState, uuid: string, h: Headers, eventName: string): readonly StateChange[] {
  const channel = state.channels.get(uuid);
  if (channel === undefined) return NO_CHANGES; // never resurrect a channel from a late event
  const touched = [channel.call.id];
  updateChannel(state, channel, channelInitFromEvent(uuid, h, eventName), touched);
  touch(touched, channel.call.id);
  return [channelChange('updated', channel.uuid, touched)];
}

function removed(state: CallState, uuid: string): readonly StateChange[] {
  const channel = state.channels.get(uuid);
  if (channel === undefined || !removeChannel(state, uuid)) return NO_CHANGES;
  return [channelChange('ended', channel.uuid, [channel.call.id])];
}

function channelChange(how: ChannelChange['how'], channel: string, calls: readonly string[]): ChannelChange {
  return { kind: 'channel', how, channel, calls };
}
