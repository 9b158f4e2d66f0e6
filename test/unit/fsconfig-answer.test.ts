// What each mod_xml_curl fetch is answered with: the form parser's bounds and checks, and the choice
// between an answer and "not found" for every section.
import { describe, expect, it } from 'vitest';
import { newConference, type Conference } from '../../src/domain/conferences.js';
import { newUser, type User } from '../../src/domain/users.js';
import { answerFetch, type AnswerOptions } from '../../src/fsconfig/answer.js';
import { CALLER_CONTROLS_GROUP, callerControlsDocument } from '../../src/fsconfig/caller-controls.js';
import { MAX_FIELDS, parseFetchRequest, type FetchRequest } from '../../src/fsconfig/fetch-request.js';
import type { Store } from '../../src/store/store.js';

const OPTIONS: AnswerOptions = {
  fsDomain: 'example.org',
  dialplanContext: 'default',
  conferenceProfile: 'default',
  recordingsDir: '/var/lib/freeswitch/recordings',
};

/** Only what answerFetch reads. */
function fakeStore(users: User[], conferences: Conference[]): Store {
  return {
    getUser: (name: string) => Promise.resolve(users.find((u) => u.userName === name)),
    getConference: (name: string) => Promise.resolve(conferences.find((c) => c.name === name)),
    findConferenceByExtension: (ext: string) => Promise.resolve(conferences.find((c) => c.extension === ext)),
  } as unknown as Store;
}

/** A body as mod_xml_curl builds it: the basic fields unencoded, then the event's headers encoded. */
function body(basic: Record<string, string>, headers: Record<string, string> = {}): string {
  const head = Object.entries({ hostname: 'fs1', tag_name: '', key_name: '', key_value: '', ...basic })
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return [head, ...Object.entries(headers).map(([k, v]) => `${k}=${encodeURIComponent(v)}`)].join('&');
}

function request(text: string): FetchRequest {
  const parsed = parseFetchRequest(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.request;
}

describe('parseFetchRequest', () => {
  it('reads the section, the key and the fields it knows, decoding them', () => {
    const r = request(
      body(
        { section: 'dialplan' },
        {
          'Event-Name': 'REQUEST_PARAMS',
          'Hunt-Destination-Number': '3000',
          'Hunt-Context': 'default',
          Other: 'x',
        },
      ),
    );
    expect(r.section).toBe('dialplan');
    expect(Object.fromEntries(r.fields)).toEqual({
      'Hunt-Destination-Number': '3000',
      'Hunt-Context': 'default',
    });
  });

  it('drops values that cannot be what FreeSWITCH sends, keeps the first of repeated fields', () => {
    const r = request(
      body(
        { section: 'directory', key_value: 'example.org' },
        { user: '200', domain: 'bad domain\r\n', Action: 'x' },
      ) + '&user=201',
    );
    expect(r.fields.get('user')).toBe('200');
    expect(r.fields.has('domain')).toBe(false);
    expect(r.keyValue).toBe('example.org');
    expect(request(body({ section: 'directory', key_value: 'a b' })).keyValue).toBeUndefined();
  });

  it('refuses no section, too many fields and oversized bodies; an unknown section is "other"', () => {
    expect(parseFetchRequest('hostname=fs1').ok).toBe(false);
    expect(parseFetchRequest(body({ section: 'dialplan' }) + '&x=1'.repeat(MAX_FIELDS)).ok).toBe(false);
    expect(parseFetchRequest('section=dialplan&x=' + 'a'.repeat(300 * 1024)).ok).toBe(false);
    expect(request(body({ section: 'languages' })).section).toBe('other');
  });
});

describe('answerFetch', () => {
  const users = Promise.all(
    ['200', '201'].map((userName) =>
      newUser(
        { userName, password: 'portal-password-1', sipPassword: 'SipPass0001' },
        { sipDomain: 'example.org', scrypt: { N: 1024, r: 8, p: 1 } },
      ),
    ),
  );
  const conferences = [
    newConference({ name: 'alice-conf', owner: '200', extension: '3000', accessCode: '482915' }),
  ];
  const answer = async (text: string, options: AnswerOptions = OPTIONS) =>
    answerFetch(request(text), fakeStore(await users, conferences), options);

  it('directory: the user of our domain, else not found', async () => {
    const sip = (user: string, domain: string) =>
      body(
        { section: 'directory', tag_name: 'domain', key_name: 'name', key_value: domain },
        { action: 'sip_auth', user, domain },
      );
    expect(await answer(sip('200', 'example.org'))).toMatchObject({
      found: true,
      kind: 'directory',
      subject: '200',
    });
    expect(await answer(sip('200', 'EXAMPLE.org'))).toMatchObject({ found: true });
    expect((await answer(sip('1000', 'example.org'))).found).toBe(false);
    expect((await answer(sip('200', 'other.org'))).found).toBe(false);
    // without FS_DOMAIN the domain FreeSWITCH asks about is answered
    expect(await answer(sip('200', 'other.org'), { ...OPTIONS, fsDomain: undefined })).toMatchObject({
      found: true,
    });
    // a domain lookup with no user (sofia's gateways, ACL building) is not ours
    const domainOnly = body(
      { section: 'directory', tag_name: 'domain', key_name: 'name', key_value: 'example.org' },
      { purpose: 'gateways' },
    );
    expect((await answer(domainOnly)).found).toBe(false);
  });

  it('dialplan: our extension in our context, else not found', async () => {
    const hunt = (number: string, context = 'default') =>
      body(
        { section: 'dialplan' },
        { 'Caller-Context': context, 'Hunt-Context': context, 'Hunt-Destination-Number': number },
      );
    expect(await answer(hunt('3000'))).toMatchObject({
      found: true,
      kind: 'dialplan',
      subject: 'alice-conf',
    });
    expect((await answer(hunt('3001'))).found).toBe(false);
    expect((await answer(hunt('1000'))).found).toBe(false);
    expect((await answer(hunt('3000', 'public'))).found).toBe(false);
    // Caller-* serves when there is no Hunt-*
    const caller = body(
      { section: 'dialplan' },
      { 'Caller-Context': 'default', 'Caller-Destination-Number': '3000' },
    );
    expect((await answer(caller)).found).toBe(true);
  });

  it('configuration: conference.conf for a join to our conference with our profile, else not found', async () => {
    const open = (headers: Record<string, string>, key = 'conference.conf') =>
      body(
        { section: 'configuration', tag_name: 'configuration', key_name: 'name', key_value: key },
        headers,
      );
    expect(await answer(open({ conference_name: 'alice-conf', profile_name: 'default' }))).toMatchObject({
      found: true,
      kind: 'conference-profile',
    });
    expect((await answer(open({ conference_name: 'alice-conf', profile_name: 'wideband' }))).found).toBe(
      false,
    );
    expect((await answer(open({ conference_name: '3000-example.org', profile_name: 'default' }))).found).toBe(
      false,
    );
    // module load lookups fall through to the static file
    expect((await answer(open({}))).found).toBe(false);
    expect((await answer(open({ Action: 'send-presence' }))).found).toBe(false);
    expect(
      (await answer(open({ conference_name: 'alice-conf', profile_name: 'default' }, 'sofia.conf'))).found,
    ).toBe(false);
  });

  it('configuration: the caller-controls group our profile names, else not found', async () => {
    const controls = (group: string, profile = 'default') =>
      body(
        {
          section: 'configuration',
          tag_name: 'configuration',
          key_name: 'name',
          key_value: 'conference.conf',
        },
        { 'Conf-Name': 'alice-conf', 'Conf-Profile': profile, Action: 'request-controls', Controls: group },
      );
    const ours = await answer(controls(CALLER_CONTROLS_GROUP));
    expect(ours).toMatchObject({ found: true, kind: 'caller-controls', subject: CALLER_CONTROLS_GROUP });
    expect(ours.xml).toBe(callerControlsDocument());
    // the stock groups (default, or another profile's) are FreeSWITCH's own
    expect((await answer(controls('default'))).found).toBe(false);
    expect((await answer(controls(CALLER_CONTROLS_GROUP, 'wideband'))).found).toBe(false);
  });

  it('dialplan: a user of ours by name rings that user; conference extensions come first', async () => {
    const hunt = (number: string) =>
      body(
        { section: 'dialplan' },
        { 'Caller-Context': 'default', 'Hunt-Context': 'default', 'Hunt-Destination-Number': number },
      );
    const a = await answer(hunt('201'));
    expect(a).toMatchObject({ found: true, kind: 'user-dialplan', subject: '201' });
    expect(a.xml).toContain('data="user/201@example.org"');
    const user3000 = await newUser(
      { userName: '3000', password: 'portal-password-1', sipPassword: 'SipPass0003' },
      { sipDomain: 'example.org', scrypt: { N: 1024, r: 8, p: 1 } },
    );
    const both = fakeStore([...(await users), user3000], conferences);
    expect(await answerFetch(request(hunt('3000')), both, OPTIONS)).toMatchObject({
      kind: 'dialplan',
      subject: 'alice-conf',
    });
    expect((await answer(hunt('1000'))).found).toBe(false); // a stock user: the stock dialplan
    expect((await answer(hunt('a b'))).found).toBe(false);
    const noDomain = await answer(hunt('201'), { ...OPTIONS, fsDomain: undefined });
    expect(noDomain.xml).toContain('data="user/201@$${domain}"');
  });

  it('any other section is not found', async () => {
    const a = await answer(body({ section: 'languages' }));
    expect(a).toMatchObject({ found: false });
    expect(a.xml).toContain('<result status="not found"/>');
  });
});
