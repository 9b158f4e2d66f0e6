// Control of a live call (hang up, blind transfer, hold, resume) as a plan: which leg of the tracked
// call each command addresses, the ESL lines, and the state change that shows it worked. Pure: the
// call comes from the live state, the target through the click-to-call grammar (domain/call-target.ts) and
// the dial policy; nothing from the URL reaches a line but a validated target.
//
// Who acts on which leg (FreeSWITCH puts on hold, and transfers, one channel):
// - hold / resume: the acting user's own leg (their side goes on hold, the other party hears music,
//   as with a phone's hold button); an admin who is not a party acts on the leg that started the call;
// - transfer: the other party's leg goes to the target and the acting user drops out (the recorded
//   blind transfer: `uuid_transfer <B> <ext> XML <context>`, then A hangs up); an admin who is not a
//   party transfers the party the caller is connected to;
// - hangup: `uuid_kill` of every leg, the one that started the call first (usually taking the rest
//   with it; the others are killed too in case FreeSWITCH left one running on its own).
import type { CallTarget } from '../domain/call-target.js';
import { routeCallTarget } from '../domain/call-target.js';
import type { DialPolicy } from '../domain/dial-policy.js';
import { toEslLine } from '../domain/esl-line.js';
import type { Call, Channel } from '../state/calls.js';
import { callProgress, type CallProgress } from '../state/call-progress.js';

export const CALL_ACTIONS = ['hangup', 'hold', 'resume', 'transfer'] as const;
export type CallActionName = (typeof CALL_ACTIONS)[number];

export type CallAction =
  { name: 'hangup' } | { name: 'hold' } | { name: 'resume' } | { name: 'transfer'; target: CallTarget };

export interface CallActor {
  userName: string;
  admin: boolean;
}

export interface TransferSettings {
  /** SIP domain of the node's users: SIP URIs in it are dialled like extensions. */
  domain: string;
  /** The dialplan context the transferred party is sent through (DIALPLAN_CONTEXT). */
  dialplanContext: string;
  /** Sofia profile for allowed SIP URIs outside the domain. */
  sipProfile: string;
  dialPolicy: DialPolicy;
}

/** What shows in the live state once the command took effect. */
export type ExpectedChange =
  /** The leg is gone (CHANNEL_DESTROY). */
  | { kind: 'leg-ended'; leg: string }
  | { kind: 'leg-held'; leg: string; held: boolean }
  /** The transferred leg left the acting leg's call (that leg hangs up or is left alone). */
  | { kind: 'legs-parted'; leg: string; from: string };

export interface CallControlPlan {
  action: CallActionName;
  /** `api` lines, in order. */
  lines: string[];
  expect: ExpectedChange[];
  /** The transfer's destination as dialled (an extension or a dial string). */
  dialed?: string;
  /**
   * A line FreeSWITCH answers `No such channel` was done anyway (a hang-up: the leg went with the
   * first one); the call is gone only when the first line says so.
   */
  goneIsDone?: boolean;
}

/**
 * Why not: `not-yours` the actor is no party (403), `state` the call's state does not allow it (409),
 * `invalid` the target cannot be dialled (400), `not-allowed` the dial policy refuses it (403).
 */
export type CallControlRefusal = 'not-yours' | 'state' | 'invalid' | 'not-allowed';

export type CallControlResult =
  { ok: true; value: CallControlPlan } | { ok: false; reason: CallControlRefusal; error: string };

const refuse = (reason: CallControlRefusal, error: string): CallControlResult => ({
  ok: false,
  reason,
  error,
});

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const WORD_RE = /^[A-Za-z0-9_-]{1,64}$/;

const isLiveLeg = (leg: Channel): boolean => leg.phase !== 'hangup';
const isAnswered = (leg: Channel): boolean =>
  isLiveLeg(leg) && (leg.answeredAt !== undefined || leg.phase === 'answered');

/** The leg that started the call (its id), else the oldest leg still up. */
export function originLeg(call: Call): Channel | undefined {
  const live = call.legs.filter(isLiveLeg);
  return live.find((leg) => leg.uuid === call.id) ?? live[0];
}

/** The actor's own leg; an admin who is no party acts as the caller. Undefined: not theirs. */
function actingLeg(call: Call, actor: CallActor): Channel | undefined {
  const own = call.legs.find((leg) => isLiveLeg(leg) && leg.user === actor.userName);
  if (own !== undefined) return own;
  return actor.admin ? originLeg(call) : undefined;
}

/** The answered party the acting leg talks to. */
function farLeg(call: Call, near: Channel): Channel | undefined {
  return call.legs.find((leg) => leg !== near && isAnswered(leg) && leg.user !== near.user);
}

/** True when the actor may act on the call at all: a party to it, or an admin. */
export function mayControl(call: Call, actor: CallActor): boolean {
  return actor.admin || call.users.includes(actor.userName);
}

function line(args: string[]): string {
  for (const arg of args) if (arg.includes(' ')) throw new Error('an argument holds a space');
  return toEslLine(args);
}

/** uuids come from the tracked state (checked at the start of the plan); asserted again here. */
function checkedUuid(leg: Channel): string {
  if (!UUID_RE.test(leg.uuid)) throw new Error('a tracked leg has no usable uuid');
  return leg.uuid;
}

const STATE_WORDS: Record<CallProgress, string> = {
  ringing: 'still ringing',
  answered: 'answered but not connected to another party',
  bridged: 'connected',
  held: 'on hold',
  ending: 'ending',
};

export function callControlPlan(
  call: Call,
  actor: CallActor,
  action: CallAction,
  /** Needed for a transfer only. */
  settings?: TransferSettings,
): CallControlResult {
  if (!mayControl(call, actor)) return refuse('not-yours', 'not a party to this call');
  // FreeSWITCH takes any origination_uuid; only UUIDs go on a command line
  if (!call.legs.every((leg) => UUID_RE.test(leg.uuid)))
    return refuse('state', 'this call has a leg whose id is not a UUID: it cannot be controlled here');
  const near = actingLeg(call, actor);
  if (near === undefined) return refuse('not-yours', 'not a party to this call');
  const progress = callProgress(call);
  const conflict = (what: string) => refuse('state', `cannot ${what}: the call is ${STATE_WORDS[progress]}`);
  if (progress === 'ending') return conflict(action.name);

  switch (action.name) {
    case 'hangup': {
      // Every leg, the one that started the call first: a leg FreeSWITCH left something queued on (the
      // hold music of a hold) would otherwise play it on alone once its bridge is gone.
      const origin = originLeg(call) ?? near;
      const legs = [origin, ...call.legs.filter((leg) => leg !== origin && isLiveLeg(leg))];
      const uuids = legs.map(checkedUuid);
      return {
        ok: true,
        value: {
          action: 'hangup',
          lines: uuids.map((uuid) => line(['uuid_kill', uuid])),
          expect: uuids.map((uuid) => ({ kind: 'leg-ended', leg: uuid })),
          goneIsDone: true,
        },
      };
    }
    case 'hold': {
      if (progress === 'held')
        return near.held ? refuse('state', 'the call is already on hold') : conflict('hold');
      if (progress !== 'bridged' || !isAnswered(near)) return conflict('hold');
      const uuid = checkedUuid(near);
      return plan('hold', [line(['uuid_hold', uuid])], [{ kind: 'leg-held', leg: uuid, held: true }]);
    }
    case 'resume': {
      if (progress !== 'held') return refuse('state', `cannot resume: the call is ${STATE_WORDS[progress]}`);
      // A user takes only their own side off hold; the other party's hold button is theirs.
      const held = call.legs.filter(
        (leg) =>
          isLiveLeg(leg) && leg.held && (leg === near || (actor.admin && near.user !== actor.userName)),
      );
      if (held.length === 0) return refuse('state', 'the other party has put the call on hold');
      const uuids = held.map(checkedUuid);
      return plan(
        'resume',
        uuids.map((uuid) => line(['uuid_hold', 'off', uuid])),
        uuids.map((uuid) => ({ kind: 'leg-held', leg: uuid, held: false })),
      );
    }
    case 'transfer': {
      if (progress !== 'bridged' && progress !== 'held') return conflict('transfer');
      const far = farLeg(call, near);
      if (far === undefined) return conflict('transfer');
      if (settings === undefined) return refuse('invalid', 'no transfer settings');
      if (!WORD_RE.test(settings.dialplanContext) || !WORD_RE.test(settings.sipProfile))
        return refuse('invalid', 'the dialplan context or SIP profile is not configured safely');
      const routed = routeCallTarget(action.target, {
        domains: [settings.domain],
        dialPolicy: settings.dialPolicy,
        sipProfile: settings.sipProfile,
      });
      if (!routed.ok) return refuse('not-allowed', routed.error);
      const uuid = checkedUuid(far);
      const destination = routed.value;
      // `<ext> XML <context>` through the dialplan (its routing and permissions apply), or a bridge to
      // an allowed foreign SIP URI with the inline dialplan
      const args =
        destination.kind === 'dialplan'
          ? ['uuid_transfer', uuid, destination.extension, 'XML', settings.dialplanContext]
          : ['uuid_transfer', uuid, `bridge:${destination.dialString}`, 'inline'];
      let transferLine: string;
      try {
        transferLine = line(args);
      } catch (err) {
        return refuse('invalid', err instanceof Error ? err.message : 'unsafe transfer line');
      }
      return {
        ok: true,
        value: {
          action: 'transfer',
          lines: [transferLine],
          expect: [{ kind: 'legs-parted', leg: uuid, from: checkedUuid(near) }],
          dialed: destination.kind === 'dialplan' ? destination.extension : destination.dialString,
        },
      };
    }
  }
}

function plan(action: CallActionName, lines: string[], expect: ExpectedChange[]): CallControlResult {
  return { ok: true, value: { action, lines, expect } };
}
