// The event stream's messages (protocol.ts) as zod schemas, for the OpenAPI document (a component the
// WebSocket route references) and for tests that check real messages against it. The types stay
// protocol.ts's; a compile-time check below fails the build when the two disagree in either direction.
import { z } from 'zod';
import type { LegView } from '../state/leg-view.js';
import type {
  AdminCallView,
  CallEventType,
  ConferenceEventType,
  ConferenceView,
  MemberEventType,
  MemberView,
  StreamMessage,
  UserCallView,
} from './protocol.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const epochMs = z.int().min(0);
const CALL_STATE = z.enum(['ringing', 'answered', 'bridged', 'held', 'ending']);
const DIRECTION = z.enum(['INCOMING', 'OUTGOING']);

/** Components under these names in the OpenAPI document. */
export const streamSchemaRegistry = z.registry<{ id: string; description?: string }>();

const memberView = z
  .object({
    id: z.int().min(1),
    name: z.string(),
    imId: z.string(),
    uuid: z.string(),
    volumeIn: z.int(),
    volumeOut: z.int(),
    energyLevel: z.int(),
    canHear: z.boolean(),
    canSpeak: z.boolean(),
    talking: z.boolean(),
    moderator: z.boolean(),
    joinTime: epochMs,
  })
  .register(streamSchemaRegistry, {
    id: 'MemberView',
    description: 'A member as /my/conferencedetails?extended=true shows it.',
  });

const conferenceView = z
  .object({
    name: z.string(),
    node: z.string(),
    extension: z.string(),
    description: z.string(),
    locked: z.boolean(),
    recording: z.boolean(),
    floor: z.int().nullable(),
    members: z.array(memberView),
  })
  .register(streamSchemaRegistry, {
    id: 'ConferenceView',
    description: 'A running conference and its members.',
  });

const legView = z
  .object({
    uuid: z.string(),
    name: z.string(),
    direction: z.enum(['inbound', 'outbound']),
    user: z.string(),
    'caller-id-number': z.string(),
    'caller-id-name': z.string(),
    destination: z.string(),
    state: z.enum(['ringing', 'early', 'answered', 'hangup']),
    'created-time': epochMs,
    'answered-time': epochMs.nullable(),
    held: z.boolean(),
  })
  .register(streamSchemaRegistry, { id: 'LegView', description: 'One leg of a call (admin views).' });

const userCallFields = {
  uuid: z.string(),
  node: z.string(),
  state: CALL_STATE,
  from: z.string(),
  to: z.string(),
  direction: DIRECTION,
  recipient: z.string(),
  internal: z.boolean(),
  'start-time': epochMs,
};
const userCallView = z.object(userCallFields).register(streamSchemaRegistry, {
  id: 'UserCallView',
  description: 'A call as its parties see it (direction relative to the user; no AORs, no legs).',
});
const adminCallView = z.object({ ...userCallFields, legs: z.array(legView) }).register(streamSchemaRegistry, {
  id: 'AdminCallView',
  description: 'A call as an admin sees it (absolute direction, with legs).',
});
const callView = z.union([adminCallView, userCallView]);

const CONFERENCE_DELTAS = [
  'conference.ended',
  'conference.locked',
  'conference.unlocked',
  'conference.recording-started',
  'conference.recording-stopped',
  'conference.floor',
] as const;
const MEMBER_EVENTS = [
  'member.joined',
  'member.left',
  'member.muted',
  'member.unmuted',
  'member.deafened',
  'member.undeafened',
  'member.talking-started',
  'member.talking-stopped',
  'member.updated',
] as const;
const CALL_EVENTS = [
  'call.created',
  'call.ringing',
  'call.answered',
  'call.bridged',
  'call.held',
  'call.resumed',
  'call.ending',
  'call.updated',
  'call.ended',
] as const;

export const streamMessageSchema = z
  .union([
    z.object({
      type: z.literal('snapshot'),
      conferences: z.array(conferenceView),
      calls: z.array(callView),
      unavailableNodes: z.array(z.string()),
      heartbeatMs: z.int().min(1),
    }),
    z.object({ type: z.enum(['conference.started', 'conference.updated']), conference: conferenceView }),
    z.object({
      type: z.enum(CONFERENCE_DELTAS),
      conference: z.string(),
      member: z.int().nullable().optional(),
    }),
    z.object({ type: z.enum(MEMBER_EVENTS), conference: z.string(), member: memberView }),
    z.object({ type: z.enum(CALL_EVENTS), call: callView }),
    z.object({ type: z.enum(['node.unavailable', 'node.available']), node: z.string() }),
    z.object({ type: z.literal('heartbeat'), time: epochMs }),
  ])
  .register(streamSchemaRegistry, {
    id: 'StreamMessage',
    description:
      'One WebSocket text frame of GET /events: a `snapshot` first, then deltas carrying the whole current view of what changed, and `heartbeat`s.',
  });

// protocol.ts and these schemas describe the same messages (checked both ways at compile time).
const agree: [
  Same<z.infer<typeof memberView>, MemberView>,
  Same<z.infer<typeof conferenceView>, ConferenceView>,
  Same<z.infer<typeof legView>, LegView>,
  Same<z.infer<typeof userCallView>, UserCallView>,
  Same<z.infer<typeof adminCallView>, AdminCallView>,
  Same<(typeof CALL_EVENTS)[number], CallEventType>,
  Same<(typeof MEMBER_EVENTS)[number], MemberEventType>,
  Same<(typeof CONFERENCE_DELTAS)[number] | 'conference.started' | 'conference.updated', ConferenceEventType>,
  Same<z.infer<typeof streamMessageSchema>, StreamMessage>,
] = [true, true, true, true, true, true, true, true, true];
void agree;

/** The stream's schemas as OpenAPI components (StreamMessage and the views it refers to). */
export function streamMessageComponents(): Record<string, Record<string, unknown>> {
  const { schemas } = z.toJSONSchema(streamSchemaRegistry, {
    target: 'draft-2020-12',
    io: 'output',
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _dialect, $id: _id, ...rest } = schema as Record<string, unknown>;
      return [id, rest];
    }),
  );
}
