// Who is told what: the REST resources' rules applied to every message. A user sees the conferences
// they own or are a delegate of (as /my/conferencedetails) and the calls they are a party to (as
// /my/activecdrs); an admin sees every stored conference and every call (as /api/activecalls).
// A subscription to one conference narrows that to the conference and no calls. Pure.
import { canControlConference } from '../domain/ownership.js';
import type { Role } from '../domain/users.js';
import type { Change } from './stream-change.js';
import type { AdminCallView, CallEventType, CallView, ConferenceView, StreamMessage } from './protocol.js';
import { userCallView, type ConferenceAccess } from './views.js';

export interface Subscriber {
  readonly userName: string;
  readonly role: Role;
  /** Only this conference (and no calls). */
  readonly conference?: string | undefined;
}

export function canSeeConference(sub: Subscriber, access: ConferenceAccess | undefined): boolean {
  if (access === undefined) return false;
  if (sub.conference !== undefined && sub.conference !== access.name) return false;
  return canControlConference(sub, access);
}

/** `users`: the call's parties (null: no live call). */
export function canSeeCall(sub: Subscriber, users: readonly string[] | null): boolean {
  if (users === null || sub.conference !== undefined) return false;
  return sub.role === 'admin' || users.includes(sub.userName);
}

/**
 * The message one subscriber gets for a change, or undefined. Subscribers with equal `key`s get the
 * same bytes, so a change is serialized once per distinct view, not once per socket.
 */
export interface Rendered {
  key: string;
  build: () => StreamMessage;
}

export function renderFor(
  sub: Subscriber,
  change: Change,
  conferenceAccess: (name: string) => ConferenceAccess | undefined,
): Rendered | undefined {
  switch (change.kind) {
    case 'node':
      return { key: 'node', build: () => change.message };
    case 'conference':
      return canSeeConference(sub, conferenceAccess(change.name))
        ? { key: 'conference', build: () => change.message }
        : undefined;
    case 'access': {
      const was = change.before !== undefined && canSeeConference(sub, change.before);
      const now = change.view !== undefined && canSeeConference(sub, change.after);
      const view = change.view;
      if (now && view !== undefined) {
        const type = was ? 'conference.updated' : 'conference.started';
        return { key: type, build: () => ({ type, conference: view }) };
      }
      if (!was || change.before === undefined) return undefined;
      const name = change.before.name;
      return { key: 'conference.ended', build: () => ({ type: 'conference.ended', conference: name }) };
    }
    case 'call': {
      const was = canSeeCall(sub, change.before);
      const now = canSeeCall(sub, change.after);
      if (!was && !now) return undefined;
      const type: CallEventType = was && now ? change.type : now ? 'call.created' : 'call.ended';
      if (sub.role === 'admin') return { key: `admin ${type}`, build: () => ({ type, call: change.view }) };
      const call = userCallView(change.view, change.origin, sub.userName);
      return { key: `user ${type} ${call.direction}`, build: () => ({ type, call }) };
    }
  }
}

/** Everything a new subscriber may see, from what the stream has published. */
export function snapshotFor(
  sub: Subscriber,
  conferences: Iterable<{ access: ConferenceAccess; view: ConferenceView }>,
  calls: Iterable<{ users: readonly string[]; origin: string | undefined; view: AdminCallView }>,
  unavailableNodes: string[],
  heartbeatMs: number,
): StreamMessage {
  const visibleConferences: ConferenceView[] = [];
  for (const { access, view } of conferences)
    if (canSeeConference(sub, access)) visibleConferences.push(view);
  const visibleCalls: CallView[] = [];
  for (const call of calls) {
    if (!canSeeCall(sub, call.users)) continue;
    visibleCalls.push(sub.role === 'admin' ? call.view : userCallView(call.view, call.origin, sub.userName));
  }
  return {
    type: 'snapshot',
    conferences: visibleConferences,
    calls: visibleCalls,
    unavailableNodes,
    heartbeatMs,
  };
}
