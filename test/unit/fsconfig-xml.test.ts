// The documents the daemon gives FreeSWITCH, compared element by element with FreeSWITCH's own stock
// configuration (test/helpers/freeswitch-stock-config.ts), and what each setting puts in them.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newConference, type Conference, type ConferenceInput } from '../../src/domain/conferences.js';
import { newUser } from '../../src/domain/users.js';
import { CALLER_CONTROLS_GROUP, callerControlsDocument } from '../../src/fsconfig/caller-controls.js';
import { conferenceConfigurationDocument, ENTER_SOUND } from '../../src/fsconfig/conference-profile.js';
import { dialplanDocument } from '../../src/fsconfig/dialplan.js';
import { userDialplanDocument } from '../../src/fsconfig/user-dialplan.js';
import { directoryDocument } from '../../src/fsconfig/directory.js';
import { notFoundDocument, safeValue, UnsafeValueError } from '../../src/fsconfig/xml-document.js';
import {
  attributesByTag,
  DIALPLAN_XML_READS,
  elementPaths,
  findAll,
  findOne,
  MOD_CONFERENCE_PARAMS,
  namedValues,
  parseXml,
  STOCK_CALLER_CONTROLS,
  STOCK_CONFERENCE_CONF,
  STOCK_DIALPLAN,
  STOCK_DIRECTORY_DOMAIN,
  STOCK_DIRECTORY_USER,
  type XmlElement,
} from '../helpers/freeswitch-stock-config.js';

const SCRYPT = { N: 1024, r: 8, p: 1 };
const DOMAIN = 'example.org';

const conference = (over: Partial<ConferenceInput> = {}): Conference =>
  newConference({ name: 'alice-conf', owner: '200', extension: '3000', ...over });

/** The document envelope every answer has: document[type] > section[name]. */
function section(xml: string, name: string): XmlElement {
  const doc = parseXml(xml);
  expect(doc.tag).toBe('document');
  expect(doc.attrs).toEqual({ type: 'freeswitch/xml' });
  expect(doc.children).toHaveLength(1);
  const sec = doc.children[0]!;
  expect(sec.tag).toBe('section');
  expect(sec.attrs['name']).toBe(name);
  return sec;
}

/** The one direct child `tag` of `el`. */
function child(el: XmlElement, tag: string): XmlElement {
  const found = el.children.filter((c) => c.tag === tag);
  expect(found, `<${el.tag}> > <${tag}>`).toHaveLength(1);
  return found[0]!;
}

function relativePaths(root: XmlElement): string[] {
  return elementPaths(root);
}

describe('directory answer', () => {
  const user = newUser(
    { userName: '200', password: 'portal-password-1', sipPassword: 'AliceSip0001', firstName: 'Alice' },
    { sipDomain: DOMAIN, scrypt: SCRYPT },
  );

  it('a user element has the shape of stock directory/default/1000.xml', async () => {
    const ours = findOne(
      section(directoryDocument(DOMAIN, [await user], { userContext: 'default' }), 'directory'),
      'user',
    );
    const stock = findOne(parseXml(STOCK_DIRECTORY_USER), 'user');
    expect(relativePaths(ours)).toEqual(relativePaths(stock));
    const stockAttrs = attributesByTag(stock);
    for (const [tag, attrs] of Object.entries(attributesByTag(ours)))
      for (const a of attrs) expect(stockAttrs[tag], `${tag}@${a}`).toContain(a);
    // every variable is one the stock user has; the credential is the a1-hash instead of a password
    const stockVariables = namedValues(findOne(stock, 'variables'), 'variable').map(([n]) => n);
    for (const [name] of namedValues(findOne(ours, 'variables'), 'variable'))
      expect(stockVariables).toContain(name);
    expect(namedValues(findOne(ours, 'params'), 'param').map(([n]) => n)).toEqual(['a1-hash']);
  });

  it('the domain around it has the shape of stock directory/default.xml', async () => {
    const sec = section(directoryDocument(DOMAIN, [await user], { userContext: 'default' }), 'directory');
    const ours = findOne(sec, 'domain');
    const stock = findOne(parseXml(STOCK_DIRECTORY_DOMAIN), 'domain');
    const stockPaths = relativePaths(stock);
    for (const path of relativePaths(ours).filter((p) => !p.includes('/user/')))
      expect(stockPaths).toContain(path);
    expect(ours.attrs).toEqual({ name: DOMAIN });
    const dial = namedValues(child(ours, 'params'), 'param');
    const stockDial = namedValues(child(stock, 'params'), 'param').find(([n]) => n === 'dial-string')![1];
    // vanilla's dial string minus the verto leg
    expect(dial).toEqual([['dial-string', stockDial.slice(0, stockDial.indexOf(',${verto_contact'))]]);
    expect(findOne(ours, 'group').attrs).toEqual({ name: 'default' });
  });

  it('carries md5(user:domain:password), caller ID and context, never the password', async () => {
    const u = await user;
    const xml = directoryDocument(DOMAIN, [u], { userContext: 'sipx' });
    const el = findOne(section(xml, 'directory'), 'user');
    expect(el.attrs).toEqual({ id: '200' });
    const a1 = createHash('md5').update(`200:${DOMAIN}:AliceSip0001`).digest('hex');
    expect(namedValues(findOne(el, 'params'), 'param')).toEqual([['a1-hash', a1]]);
    expect(namedValues(findOne(el, 'variables'), 'variable')).toEqual([
      ['user_context', 'sipx'],
      ['effective_caller_id_name', 'Alice'],
      ['effective_caller_id_number', '200'],
    ]);
    expect(xml).not.toContain('AliceSip0001');
    expect(xml).not.toContain(u.passwordHash);
    // another domain gets the hash for that realm
    const otherUser = findOne(
      section(directoryDocument('other.example', [u], { userContext: 'sipx' }), 'directory'),
      'user',
    );
    expect(child(child(otherUser, 'params'), 'param').attrs['value']).toBe(
      createHash('md5').update('200:other.example:AliceSip0001').digest('hex'),
    );
  });

  it('leaves out empty caller ID variables', async () => {
    const u = { ...(await user), callerIdName: '', callerIdNumber: '' };
    const el = findOne(
      section(directoryDocument(DOMAIN, [u], { userContext: 'default' }), 'directory'),
      'variables',
    );
    expect(namedValues(el, 'variable')).toEqual([['user_context', 'default']]);
  });
});

describe('dialplan answer', () => {
  const options = { context: 'default', profile: 'default' };
  const extension = (conf: Conference) =>
    findOne(section(dialplanDocument(conf, options), 'dialplan'), 'extension');
  /** [application, data] of the actions (or anti-actions) of the nth condition. */
  const steps = (ext: XmlElement, n: number, tag: 'action' | 'anti-action') =>
    ext.children[n]!.children.filter((c) => c.tag === tag).map((a) => [
      a.attrs['application'],
      a.attrs['data'],
    ]);
  /** The nth condition's attributes and its `<regex field expression>` children. */
  const who = (ext: XmlElement, n: number) => ({
    attrs: ext.children[n]!.attrs,
    regex: ext.children[n]!.children.filter((c) => c.tag === 'regex').map((r) => r.attrs),
  });
  const callerIs = (expression: string) => [
    { field: '${sip_auth_username}', expression },
    { field: '${fsconfd_user}', expression },
  ];

  it('has the shape of the stock dialplan and only attributes mod_dialplan_xml reads', () => {
    const ours = section(dialplanDocument(conference({ delegates: ['201'] }), options), 'dialplan');
    const stock = parseXml(STOCK_DIALPLAN);
    const stockPaths = elementPaths(findOne(stock, 'context'));
    // `<regex>` children: mod_dialplan_xml.c parse_exten, a condition with regex="any|all|xor"
    const alsoRead = ['context/extension/condition/anti-action', 'context/extension/condition/regex'];
    for (const path of elementPaths(findOne(ours, 'context')))
      expect([...stockPaths, ...alsoRead]).toContain(path);
    for (const [tag, attrs] of Object.entries(attributesByTag(findOne(ours, 'context'))))
      for (const a of attrs) expect(DIALPLAN_XML_READS[tag], `${tag}@${a}`).toContain(a);
    // like nb_conferences: the number, then answer and the conference application
    const nb = findAll(stock, 'extension').find((e) => e.attrs['name'] === 'nb_conferences')!;
    expect(nb.children[0]!.attrs['field']).toBe('destination_number');
    expect(nb.children[0]!.children.map((a) => a.attrs['application'])).toEqual(['answer', 'conference']);
    const ext = extension(conference());
    expect(ext.children[0]!.attrs).toEqual({ field: 'destination_number', expression: '^3000$' });
    expect(steps(ext, 2, 'anti-action').map(([app]) => app)).toEqual(['set', 'answer', 'conference']);
  });

  it('the owner, by SIP login or by the daemon placing the call, joins as moderator without the PIN', () => {
    const ext = extension(conference({ accessCode: '482915' }));
    expect(who(ext, 1)).toEqual({ attrs: { regex: 'any', break: 'on-true' }, regex: callerIs('^200$') });
    expect(steps(ext, 1, 'action')).toEqual([
      ['set', 'conference_enforce_security=false'],
      ['answer', undefined],
      ['conference', 'alice-conf@default+flags{moderator}'],
    ]);
  });

  it('guests meet the PIN and the lock on every leg, inbound or placed by the daemon', () => {
    const ext = extension(conference({ accessCode: '482915' }));
    expect(steps(ext, 2, 'anti-action')).toEqual([
      ['set', 'conference_enforce_security=true'],
      ['answer', undefined],
      ['conference', 'alice-conf@default+482915+flags{}'],
    ]);
    // no PIN: the lock still applies
    expect(steps(extension(conference()), 2, 'anti-action')[0]).toEqual([
      'set',
      'conference_enforce_security=true',
    ]);
  });

  it('mute on entry mutes guests; end on owner exit marks the owner endconf', () => {
    const ext = extension(conference({ muteOnEntry: true, endOnOwnerExit: true }));
    expect(steps(ext, 1, 'action').at(-1)).toEqual([
      'conference',
      'alice-conf@default+flags{moderator|endconf}',
    ]);
    expect(steps(ext, 2, 'anti-action').at(-1)).toEqual(['conference', 'alice-conf@default+flags{mute}']);
  });

  it('the moderator PIN goes with each guest call, and only together with a participant PIN', () => {
    const ext = extension(conference({ accessCode: '482915', moderatorPin: '771133' }));
    expect(steps(ext, 2, 'anti-action')).toEqual([
      ['set', 'conference_enforce_security=true'],
      ['set', 'conference_moderator_pin=771133'],
      ['answer', undefined],
      ['conference', 'alice-conf@default+482915+flags{}'],
    ]);
    const alone = extension(conference({ moderatorPin: '771133' }));
    expect(steps(alone, 2, 'anti-action').map(([app]) => app)).toEqual(['set', 'answer', 'conference']);
  });

  it('delegates are hosts too (moderator, no PIN) but only the owner ends the conference', () => {
    const ext = extension(
      conference({ endOnOwnerExit: true, accessCode: '1', delegates: ['201', 'bob.smith'] }),
    );
    expect(who(ext, 2)).toEqual({ attrs: { regex: 'any' }, regex: callerIs('^(201|bob\\.smith)$') });
    expect(steps(ext, 2, 'action').at(-1)).toEqual(['conference', 'alice-conf@default+flags{moderator}']);
    expect(steps(ext, 2, 'anti-action').at(-1)).toEqual(['conference', 'alice-conf@default+1+flags{}']);
  });

  it('a disabled conference is refused rather than left to the static dialplan', () => {
    const ext = extension(conference({ enabled: false }));
    expect(ext.children).toHaveLength(1);
    expect(steps(ext, 0, 'action')).toEqual([['hangup', 'CALL_REJECTED']]);
  });

  it('uses the configured profile and context', () => {
    const xml = dialplanDocument(conference(), { context: 'sipx', profile: 'wideband' });
    expect(findOne(section(xml, 'dialplan'), 'context').attrs['name']).toBe('sipx');
    expect(xml).toContain('data="alice-conf@wideband+flags{}"');
  });
});

describe('dialplan answer for a user', () => {
  const user = newUser(
    { userName: 'bob.smith', password: 'portal-password-1', sipPassword: 'BobSip00001' },
    { sipDomain: DOMAIN, scrypt: SCRYPT },
  );

  it("rings the user like vanilla Local_Extension, then hangs up with the bridge's cause", async () => {
    const xml = userDialplanDocument(await user, { context: 'default', domain: DOMAIN });
    const ext = findOne(section(xml, 'dialplan'), 'extension');
    const cond = child(ext, 'condition');
    expect(cond.attrs).toEqual({ field: 'destination_number', expression: '^bob\\.smith$' });
    expect(cond.children.map((a) => [a.tag, a.attrs['application'], a.attrs['data']])).toEqual([
      ['action', 'set', 'ringback=${us-ring}'],
      ['action', 'set', 'call_timeout=30'],
      ['action', 'set', 'hangup_after_bridge=true'],
      ['action', 'set', 'continue_on_fail=true'],
      ['action', 'bridge', `user/bob.smith@${DOMAIN}`],
      ['action', 'hangup', '${originate_failed_cause}'],
    ]);
    for (const [tag, attrs] of Object.entries(attributesByTag(findOne(parseXml(xml), 'context'))))
      for (const a of attrs) expect(DIALPLAN_XML_READS[tag], `${tag}@${a}`).toContain(a);
  });

  it("without FS_DOMAIN the user is rung in FreeSWITCH's own domain", async () => {
    const xml = userDialplanDocument(await user, { context: 'sipx', domain: '$${domain}' });
    expect(xml).toContain('data="user/bob.smith@$${domain}"');
    expect(findOne(parseXml(xml), 'context').attrs['name']).toBe('sipx');
    // the store's rules keep these out; the document refuses them anyway
    const u = await user;
    expect(() => userDialplanDocument({ ...u, userName: '${x}' }, { context: 'x', domain: DOMAIN })).toThrow(
      UnsafeValueError,
    );
    expect(() => userDialplanDocument(u, { context: 'x', domain: '${x}' })).toThrow(UnsafeValueError);
  });
});

describe('caller-controls answer', () => {
  it("is vanilla's default group under our name, without the hang-up on #", () => {
    const ours = findOne(section(callerControlsDocument(), 'configuration'), 'configuration');
    const stock = parseXml(STOCK_CALLER_CONTROLS);
    expect(elementPaths(ours)).toEqual(elementPaths(stock));
    expect(ours.attrs).toEqual(stock.attrs);
    expect(findOne(ours, 'group').attrs).toEqual({ name: CALLER_CONTROLS_GROUP });
    const controls = (root: XmlElement) =>
      findAll(root, 'control').map((c) => [c.attrs['action'], c.attrs['digits']]);
    expect(controls(ours)).toEqual(controls(stock).filter(([action]) => action !== 'hangup'));
    expect(controls(ours).some(([, digits]) => digits === '#')).toBe(false);
  });
});

describe('conference.conf answer', () => {
  const options = { recordingsDir: '/var/lib/freeswitch/recordings' };
  const profile = (conf: Conference, name = 'default') => {
    const sec = section(conferenceConfigurationDocument(conf, name, options), 'configuration');
    return findOne(sec, 'profile');
  };
  const paramsOf = (conf: Conference) => new Map(namedValues(profile(conf), 'param'));
  const stock = findOne(parseXml(STOCK_CONFERENCE_CONF), 'profile');
  const stockParams = namedValues(stock, 'param');

  it('has the shape of stock conference.conf and only params the stock profile or mod_conference names', () => {
    const sec = section(conferenceConfigurationDocument(conference(), 'default', options), 'configuration');
    const stockRoot = parseXml(STOCK_CONFERENCE_CONF);
    expect(elementPaths(findOne(sec, 'configuration'))).toEqual(elementPaths(stockRoot));
    expect(findOne(sec, 'configuration').attrs).toEqual(stockRoot.attrs);
    const everything = conference({
      muteOnEntry: true,
      ownerRequired: true,
      maxMembers: 5,
      accessCode: '1',
      moderatorPin: '2',
      autorecorded: true,
    });
    const names = namedValues(profile(everything), 'param').map(([n]) => n);
    for (const n of names) expect([...stockParams.map(([s]) => s), ...MOD_CONFERENCE_PARAMS]).toContain(n);
    expect(new Set(names).size).toBe(names.length);
  });

  it('keeps the stock default profile values for everything it does not set', () => {
    const ours = paramsOf(conference());
    for (const [name, value] of stockParams) {
      if (MOD_CONFERENCE_PARAMS.includes(name) || name === 'auto-record') continue;
      expect(ours.get(name), name).toBe(value);
    }
  });

  it('each setting becomes its param', () => {
    const off = paramsOf(conference({ attendeeNotification: 'none' }));
    for (const n of [
      'member-flags',
      'conference-flags',
      'max-members',
      'moderator-pin',
      'pin',
      'auto-record',
      'enter-sound',
      'exit-sound',
    ])
      expect(off.has(n), n).toBe(false);
    expect(paramsOf(conference()).get('enter-sound')).toBe(ENTER_SOUND);
    // mute on entry goes with each join (dialplan, outcall flags): a profile's would stay
    expect(paramsOf(conference({ muteOnEntry: true })).has('member-flags')).toBe(false);
    expect(paramsOf(conference()).get('caller-controls')).toBe(CALLER_CONTROLS_GROUP);
    expect(paramsOf(conference({ ownerRequired: true })).get('conference-flags')).toBe('wait-mod');
    expect(paramsOf(conference({ quickstart: false })).get('conference-flags')).toBe('wait-mod');
    expect(paramsOf(conference({ maxMembers: 12 })).get('max-members')).toBe('12');
    expect(paramsOf(conference({ maxMembers: 1 })).has('max-members')).toBe(false);
    // the PINs go with each call (dialplan): a profile's would stay in a running conference
    expect(paramsOf(conference({ accessCode: '11', moderatorPin: '771133' })).has('moderator-pin')).toBe(
      false,
    );
    expect(paramsOf(conference({ autorecorded: true })).get('auto-record')).toBe(
      '/var/lib/freeswitch/recordings/${conference_name}_${strftime(%Y-%m-%d-%H-%M-%S)}.wav',
    );
    expect(paramsOf(conference({ moh: 'NONE' })).get('moh-sound')).toBe('silence');
    expect(paramsOf(conference({ moh: 'local_stream://jazz' })).get('moh-sound')).toBe('local_stream://jazz');
    expect(paramsOf(conference({ moh: 'FILES_SRC' })).get('moh-sound')).toBe('$${hold_music}');
  });

  it('names the profile FreeSWITCH asked for', () => {
    expect(profile(conference(), 'wideband').attrs).toEqual({ name: 'wideband' });
  });
});

describe('document safety', () => {
  it('"not found" is the result section switch_xml_locate skips', () => {
    const sec = section(notFoundDocument(), 'result');
    expect(sec.children).toEqual([{ tag: 'result', attrs: { status: 'not found' }, children: [] }]);
  });

  it('refuses values FreeSWITCH would expand, and escapes markup', () => {
    for (const bad of ['$${default_password}', '${uuid}', 'a{b', 'line\nbreak', 'back\\slash'])
      expect(() => safeValue('f', bad)).toThrow(UnsafeValueError);
    expect(safeValue('f', "O'Brien & <Co>")).toBe("O'Brien & <Co>");
    const xml = directoryDocument(DOMAIN, [], { userContext: 'default' });
    expect(xml).not.toContain('<X-PRE-PROCESS');
  });

  it('escapes a value with markup so no pre-processor line can appear', async () => {
    const u = await newUser(
      { userName: '300', password: 'portal-password-1', sipPassword: 'SipSip0001' },
      { sipDomain: DOMAIN, scrypt: SCRYPT },
    );
    // store validation forbids '<' in caller ID names; build one by hand to test the builder itself
    const xml = directoryDocument(DOMAIN, [{ ...u, callerIdName: '<X-PRE-PROCESS cmd="exec" data="id"/>' }], {
      userContext: 'default',
    });
    expect(xml).not.toContain('<X-PRE-PROCESS');
    expect(namedValues(findOne(parseXml(xml), 'variables'), 'variable')[1]).toEqual([
      'effective_caller_id_name',
      '<X-PRE-PROCESS cmd="exec" data="id"/>',
    ]);
  });
});
