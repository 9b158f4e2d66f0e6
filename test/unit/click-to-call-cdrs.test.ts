// The active-CDR document: the direct XML writers (sipX's elements, and the ?extended=true form) produce
// exactly the generic renderer's bytes for any content (hostile strings included), and entries keep
// sipX's field order.
import { describe, expect, it } from 'vitest';
import { renderXml } from '../../src/http/represent.js';
import {
  CDR_FIELDS,
  EXTENDED_CDR_FIELDS,
  renderCdrsXml,
  renderExtendedCdrsXml,
  type ExtendedCdr,
} from '../../src/http/routes/active-calls.js';
import type { ActiveCdr } from '../../src/state/active-cdr.js';

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

/** The sipX fields of an entry, in order (what activeCdr builds). */
function sipxOnly(cdr: ExtendedCdr): ActiveCdr {
  const { uuid: _uuid, state: _state, ...sipx } = cdr;
  return sipx;
}

function hostileCdr(next: () => number): ExtendedCdr {
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
    const extended: ExtendedCdr = {
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
    const sipx = sipxOnly(extended);
    expect(renderCdrsXml([sipx])).toBe(renderXml('cdrs', [sipx]));
    expect(renderCdrsXml([sipx])).toContain(
      '<cdr><from>2011</from><from-aor>&quot;2011&quot; &lt;sip:2011@Uniteme.ezuze.com&gt;</from-aor>',
    );
    expect(renderCdrsXml([sipx])).toMatch(/<duration>45976<\/duration><\/cdr><\/cdrs>$/);
    expect(renderExtendedCdrsXml([extended])).toBe(renderXml('cdrs', [extended]));
    expect(renderExtendedCdrsXml([extended])).toMatch(
      /<duration>45976<\/duration><uuid>0ae98fd4-.*<state>bridged<\/state><\/cdr>/,
    );
    const next = random(6);
    for (let i = 0; i < 2000; i++) {
      const cdrs = Array.from({ length: Math.floor(next() * 4) }, () => hostileCdr(next));
      expect(renderExtendedCdrsXml(cdrs), JSON.stringify(cdrs)).toBe(renderXml('cdrs', cdrs));
      const plain = cdrs.map(sipxOnly);
      expect(renderCdrsXml(plain), JSON.stringify(plain)).toBe(renderXml('cdrs', plain));
    }
  });

  it("keeps sipX's field order; the extended form adds uuid and state after them", () => {
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
    ]);
    expect(EXTENDED_CDR_FIELDS).toEqual([
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
