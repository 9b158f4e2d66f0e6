// The click-to-call originate line: its exact shape for each kind of target, read back by an
// independent parser (the simulator's FreeSWITCH-style originate parser), and every refusal.
import { describe, expect, it } from 'vitest';
import { parseCallTarget, type CallTarget } from '../../src/domain/call-target.js';
import {
  callerIdOf,
  clickToCallCommand,
  type ClickToCallCaller,
  type ClickToCallSettings,
} from '../../src/domain/click-to-call.js';
import { compileDialPolicy, KNOWN_USERS_ONLY } from '../../src/domain/dial-policy.js';
import { dialVar, parseOriginate } from '../../src/sim/model/dial-string.js';

const UUID = '0ae98fd4-bb9b-4233-a629-b868315e70ac';
const ALICE: ClickToCallCaller = {
  userName: '200',
  callerIdNumber: '',
  callerIdName: '',
  firstName: 'Alice',
  lastName: 'Smith',
};
const SETTINGS: ClickToCallSettings = {
  domain: 'example.org',
  dialplanContext: 'default',
  sipProfile: 'external',
  originateTimeoutS: 30,
  dialPolicy: KNOWN_USERS_ONLY,
};

function compileDialPolicyOrThrow(patterns: string[]) {
  const policy = compileDialPolicy(patterns);
  if (!policy.ok) throw new Error(policy.error);
  return policy.value;
}

function target(raw: string): CallTarget {
  const parsed = parseCallTarget(raw);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

function plan(raw: string, settings: Partial<ClickToCallSettings> = {}, caller = ALICE) {
  const result = clickToCallCommand(caller, target(raw), UUID, { ...SETTINGS, ...settings });
  if (!result.ok) throw new Error(`${result.reason}: ${result.error}`);
  return result.value;
}

describe('click-to-call originate line', () => {
  it('rings the user first, showing the target, then runs the target in the dialplan context', () => {
    expect(plan('201').line).toBe(
      'originate {origination_uuid=0ae98fd4-bb9b-4233-a629-b868315e70ac,fsconfd_user=200,fsconfd_target=201,' +
        'origination_caller_id_number=201,origination_caller_id_name=201,' +
        'effective_caller_id_number=200,effective_caller_id_name=Alice_Smith,' +
        'originate_timeout=30,ignore_early_media=true}user/200@example.org 201 XML default',
    );
  });

  it('reads back as FreeSWITCH would: A-leg user/<name>@<domain>, then <to> XML <context>', () => {
    const p = plan('+1%20(555)%20123-4567', { dialplanContext: 'users_ctx', originateTimeoutS: 45 });
    const parsed = parseOriginate(p.line.slice('originate '.length));
    if (!parsed.ok) throw new Error(parsed.reply);
    const { dial, then } = parsed.args;
    expect(dial.endpoint).toEqual({ type: 'user', user: '200', domain: 'example.org' });
    expect(then).toEqual({
      type: 'extension',
      extension: '+15551234567',
      dialplan: 'XML',
      context: 'users_ctx',
    });
    expect(dialVar(dial, 'origination_uuid')).toBe(UUID);
    // who placed it and what it dials, normalised as the grammar read it
    expect(dialVar(dial, 'fsconfd_user')).toBe('200');
    expect(dialVar(dial, 'fsconfd_target')).toBe('+15551234567');
    expect(dialVar(dial, 'origination_caller_id_number')).toBe('+15551234567');
    expect(dialVar(dial, 'effective_caller_id_number')).toBe('200');
    expect(dialVar(dial, 'originate_timeout')).toBe('45');
    expect(dialVar(dial, 'ignore_early_media')).toBe('true');
    expect(p.dialed).toBe('+15551234567');
  });

  it("uses the user's configured caller ID for the far end", () => {
    const caller = { ...ALICE, callerIdNumber: '+15550100', callerIdName: 'Front Desk' };
    const { line } = plan('201', {}, caller);
    expect(line).toContain('effective_caller_id_number=+15550100,effective_caller_id_name=Front_Desk,');
    expect(callerIdOf({ ...ALICE, firstName: '', lastName: '' })).toEqual({ number: '200', name: '200' });
  });

  it('drops a caller ID name the one-word grammar refuses instead of putting it on the line', () => {
    const caller = { ...ALICE, callerIdName: 'Alice (Sales)' };
    const { line } = plan('201', {}, caller);
    expect(line).not.toContain('effective_caller_id_name');
    expect(line).not.toContain('(');
  });

  it('leaves the target out of the caller ID when it is too long for one, but still dials it', () => {
    const long = 'a'.repeat(40);
    const { line } = plan(long);
    expect(line).not.toContain('origination_caller_id_number');
    expect(line.endsWith(` ${long} XML default`)).toBe(true);
  });

  it('dials SIP URIs in our domain as extensions', () => {
    expect(plan('sip:201@example.org').line.endsWith('}user/200@example.org 201 XML default')).toBe(true);
    expect(plan('sip:201@EXAMPLE.ORG').dialed).toBe('201');
    expect(plan('sip:201@EXAMPLE.ORG').line).toContain(',fsconfd_target=201,');
  });

  it('bridges a foreign SIP URI only when the dial policy allows it', () => {
    const refused = clickToCallCommand(ALICE, target('sip:bob@partner.example.com'), UUID, SETTINGS);
    expect(refused).toMatchObject({ ok: false, reason: 'not-allowed' });
    const policy = compileDialPolicy(['sofia/external/*@partner.example.com']);
    if (!policy.ok) throw new Error(policy.error);
    const otherPort = clickToCallCommand(ALICE, target('sip:bob@partner.example.com:5080'), UUID, {
      ...SETTINGS,
      dialPolicy: policy.value,
    });
    expect(otherPort).toMatchObject({ ok: false, reason: 'not-allowed' });
    const allowed = plan('sip:bob@partner.example.com', { dialPolicy: policy.value });
    expect(
      allowed.line.endsWith('}user/200@example.org &bridge(sofia/external/bob@partner.example.com)'),
    ).toBe(true);
    expect(allowed.dialed).toBe('sofia/external/bob@partner.example.com');
    expect(allowed.line).toContain(',fsconfd_target=bob@partner.example.com,');
    const withPort = plan('sip:bob@partner.example.com:5080', {
      dialPolicy: compileDialPolicyOrThrow(['sofia/external/*@partner.example.com:5080']),
    });
    expect(withPort.line).toContain(',fsconfd_target=bob@partner.example.com:5080,');
  });

  it('refuses what would change the line even when handed a target that skipped the parser', () => {
    for (const user of ['a,b', 'a}b', 'a b', '200\r\napi status', '{x}', "a'b", 'a=b', '']) {
      const result = clickToCallCommand(ALICE, { kind: 'extension', user }, UUID, SETTINGS);
      expect(result, user).toMatchObject({ ok: false, reason: 'invalid' });
    }
  });

  it('refuses unusable settings and user records as misconfiguration', () => {
    const cases: Array<[Partial<ClickToCallSettings>, ClickToCallCaller, string]> = [
      [{ domain: 'bad domain' }, ALICE, UUID],
      [{ domain: 'x}y' }, ALICE, UUID],
      [{ dialplanContext: 'a b' }, ALICE, UUID],
      [{ sipProfile: 'ext,ernal' }, ALICE, UUID],
      [{ originateTimeoutS: 0 }, ALICE, UUID],
      [{ originateTimeoutS: 1.5 }, ALICE, UUID],
      [{}, { ...ALICE, userName: '200 201' }, UUID],
      [{}, ALICE, 'not-a-uuid'],
      [{}, ALICE, UUID.toUpperCase()],
    ];
    for (const [settings, caller, uuid] of cases) {
      const result = clickToCallCommand(caller, target('201'), uuid, { ...SETTINGS, ...settings });
      expect(result, JSON.stringify([settings, caller.userName, uuid])).toMatchObject({
        ok: false,
        reason: 'misconfigured',
      });
    }
  });

  it('never builds a line with control characters, unbalanced braces or a space inside a value', () => {
    for (const raw of ['201', '*97', '%23123', 'bob.smith', 'tel:+1-555-123-4567', 'sip:a_b@example.org']) {
      const { line } = plan(raw);
      expect(line).not.toMatch(/[\r\n\0]/);
      const block = /^originate \{([^{}]*)\}user\/200@example\.org (\S+) XML default$/.exec(line);
      expect(block, line).not.toBeNull();
      for (const pair of block![1]!.split(',')) expect(pair).toMatch(/^[a-z_]+=[^\s=,{}'"]+$/);
    }
  });
});
