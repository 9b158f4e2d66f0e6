// The active-CDR document: the direct XML writer produces exactly the generic renderer's bytes for
// any content (hostile strings included), and entries keep sipX's field order.
import { describe, expect, it } from 'vitest';
import { renderXml } from '../../src/http/represent.js';
import { CDR_FIELDS, renderCdrsXml, type UserCdr } from '../../src/http/routes/active-calls.js';

/** A tiny seeded PRNG (mulberry32) so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [
  'a',
  'Z',
  '0',
  ' ',
  '"',
  "'",
  '<',
  '>',
  '&',
  ';',
  '#',
  '=',
  '\u0000',
  '\u0001',
  '\t',
  '\n',
  '\r',
  '\u007f',
  '\u0085',
  'é',
  '日',
  '\u2028',
  '\ud800',
  '\udc00',
  '\ud83d\ude00',
  '\ufffe',
  '\uffff',
  ']]>',
  '&amp;',
  '<sip:',
];

function hostileText(next: () => number): string {
  let text = '';
  const length = Math.floor(next() * 12);
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return text;
}

function hostileCdr(next: () => number): UserCdr {
  const num = (): number => [0, 1, -1, 1.5, 1795352465082, NaN, Infinity][Math.floor(next() * 7)]!;
  return {
    from: hostileText(next),
    'from-aor': hostileText(next),
    to: hostileText(next),
    'to-aor': hostileText(next),
    direction: next() < 0.5 ? 'INCOMING' : 'OUTGOING',
    recipient: hostileText(next),
    internal: next() < 0.5,
    type: hostileText(next),
    'start-time': num(),
    duration: num(),
    uuid: hostileText(next),
    state: 'ringing',
  };
}

describe('active-CDR XML', () => {
  it('equals the generic renderer for an empty list, a sipX-like entry and 2,000 hostile documents', () => {
    expect(renderCdrsXml([])).toBe(renderXml('cdrs', []));
    const sipx: UserCdr = {
      from: '2011',
      'from-aor': '"2011" <sip:2011@Uniteme.ezuze.com>',
      to: '32011',
      'to-aor': '<sip:32011@Uniteme.ezuze.com>',
      direction: 'INCOMING',
      recipient: '32011',
      internal: false,
      type: 'Unknown',
      'start-time': 1400239363000,
      duration: 45976,
      uuid: '0ae98fd4-bb9b-4233-a629-b868315e70ac',
      state: 'bridged',
    };
    expect(renderCdrsXml([sipx])).toBe(renderXml('cdrs', [sipx]));
    expect(renderCdrsXml([sipx])).toContain(
      '<cdr><from>2011</from><from-aor>&quot;2011&quot; &lt;sip:2011@Uniteme.ezuze.com&gt;</from-aor>',
    );
    const next = random(6);
    for (let i = 0; i < 2000; i++) {
      const cdrs = Array.from({ length: Math.floor(next() * 4) }, () => hostileCdr(next));
      expect(renderCdrsXml(cdrs), JSON.stringify(cdrs)).toBe(renderXml('cdrs', cdrs));
    }
  });

  it('keeps sipX field order, then the uuid and state extras', () => {
    expect(CDR_FIELDS).toEqual([
      'from',
      'from-aor',
      'to',
      'to-aor',
      'direction',
      'recipient',
      'internal',
      'type',
      'start-time',
      'duration',
      'uuid',
      'state',
    ]);
  });
});
