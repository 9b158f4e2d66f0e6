// The call-control plans, pure: which leg each action addresses for a party and for an admin, the
// lines (only tracked UUIDs and validated targets on them), what the call's state allows, and the dial
// policy for transfers to SIP URIs outside the domain.
import { describe, expect, it } from 'vitest';
import { parseDecodedCallTarget, type CallTarget } from '../../src/domain/call-target.js';
import {
  callControlPlan,
  type CallAction,
  type CallActor,
  type TransferSettings,
} from '../../src/control/call-control-plan.js';
import { compileDialPolicy } from '../../src/domain/dial-policy.js';
import { toEslLine } from '../../src/domain/esl-line.js';
import type { Call, ChannelPhase } from '../../src/state/calls.js';
import { createCallState, upsertChannel } from '../../src/state/calls.js';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';

interface LegSpec {
  uuid: string;
  user: string;
  phase: ChannelPhase;
  held?: boolean;
}

/** A click-to-call as the state tracks it: A is the user's own phone (it started the call), B the target. */
function call(a: Partial<LegSpec> = {}, b: Partial<LegSpec> | null = {}): Call {
  const state = createCallState();
  const specs = [{ uuid: A, user: '200', phase: 'answered' as ChannelPhase, ...a }];
  if (b !== null) specs.push({ uuid: B, user: '201', phase: 'answered', ...b });
  for (const spec of specs) {
    const leg = upsertChannel(state, {
      uuid: spec.uuid,
      direction: 'outbound',
      facts: {
        direction: 'outbound',
        dialedUser: spec.user,
        channelName: `sofia/internal/${spec.user}@x`,
        presenceId: undefined,
      },
      createdAt: 1,
      phase: spec.phase,
      held: spec.held ?? false,
      joins: spec.uuid === B ? A : undefined,
    });
    if (spec.phase === 'answered') leg.answeredAt = 2;
  }
  return state.channels.get(A)!.call;
}

const alice: CallActor = { userName: '200', admin: false };
const bob: CallActor = { userName: '201', admin: false };
const carol: CallActor = { userName: '202', admin: false };
const admin: CallActor = { userName: 'admin', admin: true };

function settings(allow: string[] = []): TransferSettings {
  const policy = compileDialPolicy(allow);
  if (!policy.ok) throw new Error(policy.error);
  return {
    domain: 'example.org',
    dialplanContext: 'default',
    sipProfile: 'external',
    dialPolicy: policy.value,
  };
}

const target = (text: string): CallTarget => {
  const parsed = parseDecodedCallTarget(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
};

function lines(c: Call, actor: CallActor, action: CallAction, s = settings()): string[] {
  const result = callControlPlan(c, actor, action, s);
  if (!result.ok) throw new Error(`${result.reason}: ${result.error}`);
  return result.value.lines;
}

const refusal = (c: Call, actor: CallActor, action: CallAction, s = settings()) => {
  const result = callControlPlan(c, actor, action, s);
  return result.ok ? 'planned' : result.reason;
};

describe('call-control plans', () => {
  it('hold and resume act on the actor’s own leg; an admin who is no party on the leg that started the call', () => {
    expect(lines(call(), alice, { name: 'hold' })).toEqual([`uuid_hold ${A}`]);
    expect(lines(call(), bob, { name: 'hold' })).toEqual([`uuid_hold ${B}`]);
    expect(lines(call(), admin, { name: 'hold' })).toEqual([`uuid_hold ${A}`]);
    expect(lines(call({ held: true }), alice, { name: 'resume' })).toEqual([`uuid_hold off ${A}`]);
    // the admin takes every held side off hold; Bob cannot take Alice's
    expect(lines(call({ held: true }, { held: true }), admin, { name: 'resume' })).toEqual([
      `uuid_hold off ${A}`,
      `uuid_hold off ${B}`,
    ]);
    expect(refusal(call({ held: true }), bob, { name: 'resume' })).toBe('state');
  });

  it('a transfer moves the other party: XML through the dialplan context, or an allowed SIP URI inline', () => {
    expect(lines(call(), alice, { name: 'transfer', target: target('3000') })).toEqual([
      `uuid_transfer ${B} 3000 XML default`,
    ]);
    expect(lines(call(), bob, { name: 'transfer', target: target('+1 (555) 123-4567') })).toEqual([
      `uuid_transfer ${A} +15551234567 XML default`,
    ]);
    expect(lines(call(), admin, { name: 'transfer', target: target('sip:3001@example.org') })).toEqual([
      `uuid_transfer ${B} 3001 XML default`,
    ]);
    const allowed = settings(['sofia/external/*@partner.example']);
    expect(
      lines(call(), alice, { name: 'transfer', target: target('sip:bob@partner.example') }, allowed),
    ).toEqual([`uuid_transfer ${B} bridge:sofia/external/bob@partner.example inline`]);
    expect(
      refusal(call(), alice, { name: 'transfer', target: target('sip:bob@evil.example') }, allowed),
    ).toBe('not-allowed');
    // a held call can be transferred too
    expect(refusal(call({ held: true }), alice, { name: 'transfer', target: target('3000') })).toBe(
      'planned',
    );
  });

  it('hang-up kills every leg, the one that started the call first, whoever asks', () => {
    for (const actor of [alice, bob, admin])
      expect(lines(call(), actor, { name: 'hangup' })).toEqual([`uuid_kill ${A}`, `uuid_kill ${B}`]);
    expect(lines(call({ phase: 'ringing' }, null), alice, { name: 'hangup' })).toEqual([`uuid_kill ${A}`]);
  });

  it.each([
    ['hold', 'ringing', 'state'],
    ['hold', 'answered, other ringing', 'state'],
    ['transfer', 'answered, other ringing', 'state'],
    ['resume', 'bridged', 'state'],
    ['hold', 'ending', 'state'],
    ['hangup', 'ending', 'state'],
    ['transfer', 'ending', 'state'],
  ] as const)('%s while %s: %s', (name, situation, reason) => {
    const c =
      situation === 'ringing'
        ? call({ phase: 'ringing' }, null)
        : situation === 'answered, other ringing'
          ? call({}, { phase: 'ringing' })
          : situation === 'ending'
            ? call({}, { phase: 'hangup' })
            : call();
    const action: CallAction = name === 'transfer' ? { name, target: target('3000') } : { name };
    expect(refusal(c, alice, action)).toBe(reason);
  });

  it('a user who is no party is refused; so is a call with a leg id that is not a UUID', () => {
    for (const action of [{ name: 'hangup' }, { name: 'hold' }, { name: 'resume' }] as const)
      expect(refusal(call(), carol, action)).toBe('not-yours');
    const odd = call();
    odd.legs[1]!.uuid = 'x;api hupall';
    expect(refusal(odd, alice, { name: 'hangup' })).toBe('state');
  });

  it('a transfer needs safe settings; every line is a valid ESL line', () => {
    const unsafe = { ...settings(), dialplanContext: 'default XML' };
    expect(refusal(call(), alice, { name: 'transfer', target: target('3000') }, unsafe)).toBe('invalid');
    for (const action of [
      { name: 'hangup' },
      { name: 'hold' },
      { name: 'transfer', target: target('*97') },
      { name: 'transfer', target: target('tel:+15551234567') },
    ] as CallAction[])
      for (const l of lines(call(), alice, action)) expect(toEslLine(l.split(' '))).toBe(l);
  });
});
