// `{to}` over HTTP, sent byte for byte: every valid form reaches FreeSWITCH as exactly one originate
// with the expected destination; every invalid one is refused before anything is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/daemon-harness.js';
import { originates, rawRequest } from '../helpers/click-to-call.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { CALLS_PER_MINUTE: '10000', DIAL_ALLOW: 'sofia/external/*@partner.example.com' },
  });
  await h.waitSynced();
  // Alice's phone is not registered: each originate fails at once and leaves no channel behind.
  h.sim.fs.setUser('200', {});
});
afterAll(async () => {
  await h.close();
});

const VALID: Array<[raw: string, destination: string]> = [
  ['201', '201 XML default'],
  ['*97', '*97 XML default'],
  ['%2A97', '*97 XML default'],
  ['%23123', '#123 XML default'],
  ['bob.smith', 'bob.smith XML default'],
  ['+15551234567', '+15551234567 XML default'],
  ['%2B15551234567', '+15551234567 XML default'],
  ['+1%20(555)%20123-4567', '+15551234567 XML default'],
  ['(555)%20123.4567', '5551234567 XML default'],
  ['%5B555%5D-123-4567', '5551234567 XML default'],
  ['555-1234', '5551234 XML default'],
  ['sip:201@example.org', '201 XML default'],
  ['sip%3A201%40example.org', '201 XML default'],
  ['SIP:201@EXAMPLE.ORG', '201 XML default'],
  ['sip:+15551234567@example.org;user=phone', '+15551234567 XML default'],
  ['tel:+15551234567', '+15551234567 XML default'],
  ['tel:+1-555-123-4567', '+15551234567 XML default'],
  ['sip:bob@partner.example.com', '&bridge(sofia/external/bob@partner.example.com)'],
  ['a'.repeat(64), `${'a'.repeat(64)} XML default`],
];

const INVALID: string[] = [
  '%0D%0A',
  '201%0D%0Aapi%20status',
  '201%0Abgapi%20originate%20user%2F202',
  '201%00',
  '201%09',
  '%E2%80%A8201',
  '{x}',
  '%7Bx%7D',
  '%7Borigination_caller_id_number%3D1%7Duser%2F200',
  '201,202',
  '201%2C202',
  '201&202',
  '201%26202',
  '&bridge(sofia%2Fexternal%2Fx@evil.com)',
  '"201"',
  '%22201%22',
  "'201'",
  '%27201%27',
  '201%20XML%20public',
  '201|202',
  '201;202',
  'a'.repeat(65),
  'a'.repeat(5000),
  `sip:${'a'.repeat(5000)}@example.org`,
  '%41'.repeat(5000),
  `sip:201@${'a'.repeat(5000)}.org`,
  'tel:5551234',
  'tel:+1555;phone-context=example.org',
  'tel:+1%0D%0A555',
  'tel:+',
  'tel:+1a',
  'sips:201@example.org',
  'http:%2F%2Fevil.example.com',
  'sip:201@example.org%3FX-Inject=1',
  'sip:201@example.org;transport=tcp',
  'sip:%0D%0A201@example.org',
  'sip:201%250D%250A@example.org',
  'sip:a%2Cb@example.org',
  'sip:201@exa%20mple.org',
  'caf%C3%A9',
  '%FF',
  '%',
  '%2',
  '%25',
  '+' + '1'.repeat(33),
];

describe('click-to-call {to} over HTTP', () => {
  it.each(VALID)('%s reaches FreeSWITCH as one originate ending in %s', async (raw, destination) => {
    const before = originates(h).length;
    expect(await rawRequest(h, 'PUT', `/my/call/${raw}`)).toBe(200);
    const sent = originates(h).slice(before);
    expect(sent).toHaveLength(1);
    const line = sent[0]!;
    expect(line).toMatch(
      /^originate \{origination_uuid=[0-9a-f-]{36}(,[a-z_]+=[^\s,{}=]+)*\}user\/200@example\.org /,
    );
    expect(line.slice(line.indexOf('}user/200@example.org ') + '}user/200@example.org '.length)).toBe(
      destination,
    );
  });

  it('refuses every invalid {to} with 400 and sends nothing', async () => {
    const before = originates(h).length;
    const statuses: Record<string, number> = {};
    for (const raw of INVALID) statuses[raw.slice(0, 60)] = await rawRequest(h, 'PUT', `/my/call/${raw}`);
    for (const [raw, status] of Object.entries(statuses)) expect(status, raw).toBe(400);
    // Dot segments are resolved by the URL parser before routing: no {to} at all.
    for (const raw of ['..', '%2e%2e', '.'])
      expect(await rawRequest(h, 'PUT', `/my/call/${raw}`), raw).toBe(404);
    // The same values through GET and the /call/ alias.
    for (const raw of INVALID.slice(0, 12)) {
      expect(await rawRequest(h, 'GET', `/call/${raw}`), raw).toBe(400);
      expect(await rawRequest(h, 'GET', `/sipxconfig/rest/my/call/${raw}`), raw).toBe(400);
    }
    expect(originates(h).slice(before)).toEqual([]);
  });

  it('refuses a SIP URI outside our domains that the dial policy does not allow with 403', async () => {
    const before = originates(h).length;
    for (const raw of ['sip:bob@evil.example.com', 'sip:bob@partner.example.com:5080', 'sip:bob@127.0.0.1'])
      expect(await rawRequest(h, 'PUT', `/my/call/${raw}`), raw).toBe(403);
    expect(originates(h).slice(before)).toEqual([]);
  });

  it('the JSON error names the field', async () => {
    const res = await h.request('PUT', '/my/call/%7Bx%7D', { as: 'owner', json: true });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 400, field: 'to' });
  });
});
