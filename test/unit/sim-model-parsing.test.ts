// The simulator model's pure pieces: parsing what `originate` receives (FreeSWITCH's quirks included),
// `name@profile+pin`, C's atoi, switch_url_encode, cJSON's printing, the ordered variable list and the
// manual clock the tests drive time with.
import { describe, expect, it } from 'vitest';
import { cjsonPrint, cjsonPrintUnformatted } from '../../src/sim/model/cjson.js';
import { ManualClock } from '../../src/sim/model/clock.js';
import { atoi } from '../../src/sim/model/conference-member-commands.js';
import { parseConferenceData } from '../../src/sim/model/conferences.js';
import { dialVar, parseDialString, parseEndpoint, parseOriginate } from '../../src/sim/model/dial-string.js';
import { urlEncode } from '../../src/sim/model/url-encode.js';
import { VarList } from '../../src/sim/model/var-list.js';

describe('originate arguments', () => {
  it('a {vars} block, the endpoint and an extension with its dialplan and context', () => {
    const parsed = parseOriginate(
      '{origination_uuid=u1,origination_caller_id_name=Click2Call,originate_timeout=20}user/1000 9993 XML default',
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const { dial, then, rawDial } = parsed.args;
    expect(dial.vars).toEqual([
      ['origination_uuid', 'u1'],
      ['origination_caller_id_name', 'Click2Call'],
      ['originate_timeout', '20'],
    ]);
    expect(dial.endpoint).toEqual({ type: 'user', user: '1000', domain: undefined });
    expect(dial.target).toBe('user/1000');
    expect(rawDial.startsWith('{origination_uuid=u1,')).toBe(true);
    expect(then).toEqual({ type: 'extension', extension: '9993', dialplan: 'XML', context: 'default' });
    expect(dialVar(dial, 'originate_timeout')).toBe('20');
    expect(dialVar(dial, 'nope')).toBeUndefined();
  });

  it('&app(args): the arguments end at the first `)`, as in FreeSWITCH', () => {
    const bridge = parseOriginate(
      'user/1000 &bridge({origination_uuid=b}sofia/internal/5551234@127.0.0.1:5072)',
    );
    expect(bridge.ok && bridge.args.then).toEqual({
      type: 'app',
      app: 'bridge',
      data: '{origination_uuid=b}sofia/internal/5551234@127.0.0.1:5072',
    });
    const tone = parseOriginate('user/1000 &playback(tone_stream://%(1,0,2))');
    expect(tone.ok && tone.args.then).toEqual({
      type: 'app',
      app: 'playback',
      data: 'tone_stream://%(1,0,2',
    });
    const park = parseOriginate('loopback/9991/default &park');
    expect(park.ok && park.args.then).toEqual({ type: 'app', app: 'park', data: '' });
  });

  it('caller id name/number and timeout as positional arguments', () => {
    const parsed = parseOriginate('user/1000 3900 XML default Alice 1001 30');
    expect(parsed.ok && parsed.args).toMatchObject({
      callerIdName: 'Alice',
      callerIdNumber: '1001',
      timeoutSec: 30,
    });
  });

  it('too few or too many words: the usage reply', () => {
    const usage =
      '-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n';
    expect(parseOriginate('user/1000')).toEqual({ ok: false, reply: usage });
    expect(parseOriginate('')).toEqual({ ok: false, reply: usage });
    expect(parseOriginate('a b c d e f g h')).toEqual({ ok: false, reply: usage });
  });

  it('escaped commas stay in a value', () => {
    expect(parseDialString('{a=1\\,2,b=3}user/1000').vars).toEqual([
      ['a', '1,2'],
      ['b', '3'],
    ]);
  });

  it('endpoints: user@domain, loopback with defaults, sofia with and without port, unknown modules', () => {
    expect(parseEndpoint('user/1000@example.com')).toEqual({
      type: 'user',
      user: '1000',
      domain: 'example.com',
    });
    expect(parseEndpoint('loopback/3900')).toEqual({
      type: 'loopback',
      extension: '3900',
      context: 'default',
      dialplan: 'XML',
    });
    expect(parseEndpoint('loopback/3900/public')).toMatchObject({ context: 'public' });
    expect(parseEndpoint('sofia/internal/1000@127.0.0.1:5070')).toEqual({
      type: 'sofia',
      profile: 'internal',
      user: '1000',
      host: '127.0.0.1',
      port: 5070,
    });
    expect(parseEndpoint('sofia/internal/sip:2000@pbx.example')).toMatchObject({
      user: '2000',
      port: undefined,
    });
    expect(parseEndpoint('sofia/internal/1000@127.0.0.1:99999')).toEqual({
      type: 'unknown',
      module: 'sofia',
    });
    expect(parseEndpoint('bogus/endpoint')).toEqual({ type: 'unknown', module: 'bogus' });
    expect(parseEndpoint('user/')).toEqual({ type: 'unknown', module: 'user' });
  });
});

describe('small C behaviours', () => {
  it('conference data name@profile+pin', () => {
    expect(parseConferenceData('demo')).toEqual({ name: 'demo', profile: 'default' });
    expect(parseConferenceData('demo@wideband')).toEqual({ name: 'demo', profile: 'wideband' });
    expect(parseConferenceData('demo@default+1234')).toEqual({
      name: 'demo',
      profile: 'default',
      pin: '1234',
    });
    expect(parseConferenceData('demo@')).toEqual({ name: 'demo', profile: 'default' });
  });

  it('atoi', () => {
    expect(atoi('42')).toBe(42);
    expect(atoi('  -7x')).toBe(-7);
    expect(atoi('x7')).toBe(0);
    expect(atoi(undefined)).toBe(0);
    expect(atoi('4294967297')).toBe(1);
  });

  it('switch_url_encode leaves , / ( ) alone and encodes the unsafe set and non-ASCII bytes', () => {
    expect(urlEncode('Outbound Call')).toBe('Outbound%20Call');
    expect(urlEncode('sofia/internal/1000@127.0.0.1:5070')).toBe('sofia/internal/1000%40127.0.0.1%3A5070');
    expect(urlEncode('a,b(c)')).toBe('a,b(c)');
    expect(urlEncode('é')).toBe('%C3%A9');
    expect(urlEncode('{x=1;y}')).toBe('%7Bx%3D1%3By%7D');
  });

  it('cJSON printing: tabs and `"key":\\tvalue`, or no whitespace at all', () => {
    const value = { a: 1, b: 'x', c: [true, null], d: { e: 1.5 } };
    expect(cjsonPrint(value)).toBe(
      '{\n\t"a":\t1,\n\t"b":\t"x",\n\t"c":\t[true, null],\n\t"d":\t{\n\t\t"e":\t1.5\n\t}\n}',
    );
    expect(cjsonPrintUnformatted(value)).toBe('{"a":1,"b":"x","c":[true,null],"d":{"e":1.5}}');
    expect(cjsonPrint({})).toBe('{\n}');
  });

  it('channel variables: setting moves to the end, empty deletes, update keeps the place', () => {
    const vars = new VarList();
    vars.set('a', '1');
    vars.set('b', '2');
    vars.set('a', '3');
    expect(vars.names()).toEqual(['b', 'a']);
    vars.update('b', '4');
    vars.setIfAbsent('a', 'ignored');
    expect(vars.headers()).toEqual([
      ['variable_b', '4'],
      ['variable_a', '3'],
    ]);
    vars.set('b', '');
    expect(vars.has('b')).toBe(false);
  });
});

describe('manual clock', () => {
  it('fires timers in due order, same-instant ones in scheduling order, and cancels', async () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    clock.schedule(20, () => fired.push('b'));
    clock.schedule(10, () => fired.push('a'));
    clock.schedule(20, () => fired.push('c'));
    const cancel = clock.schedule(15, () => fired.push('never'));
    clock.schedule(0, () => clock.schedule(5, () => fired.push('nested')));
    cancel();
    expect(clock.pending).toBe(4);
    await clock.advance(19);
    expect(fired).toEqual(['nested', 'a']);
    expect(clock.nowMicros()).toBe(19_000);
    await clock.advanceTo(30_000);
    expect(fired).toEqual(['nested', 'a', 'b', 'c']);
    expect(clock.pending).toBe(0);
  });
});
