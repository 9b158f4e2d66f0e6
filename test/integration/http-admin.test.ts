// The admin API: CRUD for users and conferences, JSON in and out, 400 naming the field, 409 on taken
// names/extensions, 404 unknown, 415 non-JSON bodies; hashes and SIP passwords never returned.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { basic, createHttpFixture, jsonOf, PASSWORDS, USERS, type HttpFixture } from '../helpers/http.js';

const ADMIN = basic(USERS.admin.userName, PASSWORDS.admin);
let f: HttpFixture;
beforeEach(async () => {
  f = await createHttpFixture();
});
afterEach(async () => {
  await f.close();
});

const admin = (method: string, path: string, body?: unknown) =>
  f.request(method, path, { auth: ADMIN, ...(body !== undefined ? { body } : {}) });

async function errorOf(res: Response): Promise<{ error: string; code: number; field?: string }> {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as { error: string; code: number; field?: string };
}

describe('/api/users', () => {
  it('creates a user who can then log in, by userName and by IM id', async () => {
    const res = await admin('POST', '/api/users', {
      userName: '300',
      password: 'dave-password',
      imId: 'dave',
      firstName: 'Dave',
      lastName: 'Jones',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/api/users/300');
    const body = await res.json();
    expect(body).toEqual({
      userName: '300',
      imId: 'dave',
      firstName: 'Dave',
      lastName: 'Jones',
      role: 'user',
      callerIdName: 'Dave Jones',
      callerIdNumber: '300',
    });
    expect(
      (await f.request('GET', '/my/logindetails', { auth: basic('dave', 'dave-password') })).status,
    ).toBe(200);
    // A SIP password was generated (not returned here; only to the user in /my/logindetails).
    const details = await f.request('GET', '/my/logindetails?format=json', {
      auth: basic('300', 'dave-password'),
    });
    expect(
      ((await details.json()) as { 'login-details': { sipPassword: string } })['login-details'].sipPassword,
    ).toMatch(/^[A-Za-z0-9]{16}$/);
  });

  it('lists and reads users without any hash or SIP password', async () => {
    const list = await admin('GET', '/api/users');
    const text = await list.text();
    expect(JSON.parse(text).users.map((u: { userName: string }) => u.userName)).toEqual([
      'admin',
      '200',
      '201',
      '202',
    ]);
    for (const u of await f.store.listUsers()) {
      expect(text).not.toContain(u.passwordHash);
      expect(text).not.toContain(u.sipPassword);
      expect(text).not.toContain(u.a1Hash);
    }
    const one = await admin('GET', '/api/users/201');
    expect(await one.json()).toMatchObject({ userName: '201', imId: 'bob', role: 'user' });
  });

  it('400 names the bad field; unknown fields are refused', async () => {
    const cases: Array<[unknown, string]> = [
      [{ userName: 'a b', password: 'long-enough' }, 'userName'],
      [{ userName: '300', password: 'short' }, 'password'],
      [{ userName: '300', password: 'long-enough', role: 'root' }, 'role'],
      [{ userName: '300', password: 'long-enough', firstName: 'A\u0007' }, 'firstName'],
      [{ userName: '300', password: 'long-enough', sipPassword: 'has space 123' }, 'sipPassword'],
      [{ userName: '300', password: 'long-enough', isAdmin: true }, 'isAdmin'],
      [{ password: 'long-enough' }, 'userName'],
    ];
    for (const [body, field] of cases) {
      const res = await admin('POST', '/api/users', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const err = await errorOf(res);
      expect(err.field).toBe(field);
      expect(err.code).toBe(400);
      expect(err.error).toContain(field);
    }
    expect((await f.store.listUsers()).length).toBe(4);
  });

  it('409 on a taken userName or IM id (including an IM id equal to a userName)', async () => {
    for (const [body, field] of [
      [{ userName: '200', password: 'long-enough' }, 'userName'],
      [{ userName: '300', password: 'long-enough', imId: 'alice' }, 'imId'],
      [{ userName: '300', password: 'long-enough', imId: '201' }, 'imId'],
      [{ userName: '3000', password: 'long-enough' }, 'userName'], // a conference extension
    ] as const) {
      const res = await admin('POST', '/api/users', body);
      expect(res.status).toBe(409);
      expect((await errorOf(res)).field).toBe(field);
    }
  });

  it('updates fields, removes the IM id with null, refuses renaming and removing the last admin', async () => {
    const res = await admin('PUT', '/api/users/201', {
      firstName: 'Bob',
      imId: null,
      callerIdNumber: '+15551234',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ firstName: 'Bob', imId: '', callerIdNumber: '+15551234' });
    expect((await f.request('GET', '/my/time', { auth: basic('bob', PASSWORDS.delegate) })).status).toBe(401);
    const rename = await admin('PUT', '/api/users/201', { userName: '999' });
    expect(rename.status).toBe(400);
    expect((await errorOf(rename)).field).toBe('userName');
    expect((await admin('PUT', '/api/users/201', { userName: '201', lastName: 'B' })).status).toBe(200);
    const demote = await admin('PUT', '/api/users/admin', { role: 'user' });
    expect(demote.status).toBe(409);
    expect((await admin('DELETE', '/api/users/admin')).status).toBe(409);
    expect((await admin('PUT', '/api/users/nobody', { firstName: 'X' })).status).toBe(404);
  });

  it('415 for a body that is not JSON; 400 for malformed JSON; 413 for a huge body', async () => {
    const xml = await f.request('POST', '/api/users', {
      auth: ADMIN,
      text: '<user/>',
      contentType: 'application/xml',
    });
    expect(xml.status).toBe(415);
    const broken = await f.request('POST', '/api/users', {
      auth: ADMIN,
      text: '{"userName":',
      contentType: 'application/json',
    });
    expect(broken.status).toBe(400);
    expect((await errorOf(broken)).error).toMatch(/malformed json/i);
    const huge = await f.request('POST', '/api/users', {
      auth: ADMIN,
      text: JSON.stringify({ userName: '300', password: 'x'.repeat(100_000) }),
    });
    expect(huge.status).toBe(413);
  });

  it('deleting a delegate removes them from the conference; deleting an owner is refused', async () => {
    expect((await admin('DELETE', '/api/users/200')).status).toBe(409);
    expect((await admin('DELETE', '/api/users/201')).status).toBe(204);
    expect((await admin('GET', '/api/users/201')).status).toBe(404);
    const conf = await admin('GET', '/api/conferences/alice-conf');
    expect((await jsonOf(conf))['delegates']).toEqual([]);
  });
});

describe('/api/conferences', () => {
  it('creates with defaults, reads, updates and deletes', async () => {
    const res = await admin('POST', '/api/conferences', {
      name: 'team.room-1',
      owner: '201',
      extension: '4000',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/api/conferences/team.room-1');
    expect(await res.json()).toEqual({
      enabled: true,
      name: 'team.room-1',
      description: '',
      extension: '4000',
      accessCode: '',
      autorecorded: false,
      quickstart: true,
      video: false,
      sendActiveVideoOnly: false,
      maxMembers: 0,
      moh: 'FILES_SRC',
      moderatedRoom: false,
      publicRoom: false,
      muteOnEntry: false,
      endOnOwnerExit: false,
      ownerRequired: false,
      moderatorPin: '',
      attendeeNotification: 'tone',
      delegates: [],
      owner: '201',
    });
    const put = await admin('PUT', '/api/conferences/team.room-1', {
      owner: '202',
      extension: '4001',
      muteOnEntry: true,
      attendeeNotification: 'none',
      delegates: ['200'],
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({
      owner: '202',
      extension: '4001',
      muteOnEntry: true,
      delegates: ['200'],
    });
    expect(await f.store.findConferenceByExtension('4000')).toBeUndefined();
    const list = await jsonOf<{ conferences: Array<{ name: string }> }>(
      await admin('GET', '/api/conferences'),
    );
    expect(list.conferences.map((c: { name: string }) => c.name)).toEqual([
      'alice-conf',
      'carol-conf',
      'team.room-1',
    ]);
    expect((await admin('DELETE', '/api/conferences/team.room-1')).status).toBe(204);
    expect((await admin('GET', '/api/conferences/team.room-1')).status).toBe(404);
    expect((await admin('DELETE', '/api/conferences/team.room-1')).status).toBe(404);
  });

  it('409 on a taken name or extension; 400 on an unknown owner or delegate, naming the field', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ name: 'alice-conf', owner: '200', extension: '4000' }, 409, 'name'],
      [{ name: 'x', owner: '200', extension: '3001' }, 409, 'extension'],
      [{ name: 'x', owner: '200', extension: '201' }, 409, 'extension'],
      [{ name: 'x', owner: 'ghost', extension: '4000' }, 400, 'owner'],
      [{ name: 'x', owner: '200', extension: '4000', delegates: ['ghost'] }, 400, 'delegates'],
      [{ name: 'x', owner: '200', extension: '4000', delegates: ['201', '201'] }, 400, 'delegates'],
      [{ name: 'x', owner: '200', extension: '4000', delegates: ['200'] }, 400, 'delegates'],
      [{ name: 'x<y>', owner: '200', extension: '4000' }, 400, 'name'],
      [{ name: 'x', owner: '200', extension: '40a0' }, 400, 'extension'],
      [{ name: 'x', owner: '200', extension: '4000', maxMembers: -1 }, 400, 'maxMembers'],
      [{ name: 'x', owner: '200', extension: '4000', maxMembers: 1.5 }, 400, 'maxMembers'],
      [{ name: 'x', owner: '200', extension: '4000', maxMembers: 1 }, 400, 'maxMembers'],
      [{ name: 'x', owner: '200', extension: '4000', accessCode: '12ab' }, 400, 'accessCode'],
      [{ name: 'x', owner: '200', extension: '4000', moh: '../../etc/passwd' }, 400, 'moh'],
      [
        { name: 'x', owner: '200', extension: '4000', attendeeNotification: 'loud' },
        400,
        'attendeeNotification',
      ],
      [
        { name: 'x', owner: '200', extension: '4000', description: 'tab\tok but bell \u0007' },
        400,
        'description',
      ],
      [{ name: 'x', owner: '200', extension: '4000', pin: '1' }, 400, 'pin'],
    ];
    for (const [body, status, field] of cases) {
      const res = await admin('POST', '/api/conferences', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((await errorOf(res)).field, JSON.stringify(body)).toBe(field);
    }
    expect((await f.store.listConferences()).length).toBe(2);
  });

  it('PUT refuses renaming, a taken extension, and unknown names', async () => {
    expect((await admin('PUT', '/api/conferences/alice-conf', { name: 'other' })).status).toBe(400);
    const taken = await admin('PUT', '/api/conferences/alice-conf', { extension: '3001' });
    expect(taken.status).toBe(409);
    expect((await errorOf(taken)).field).toBe('extension');
    expect((await admin('PUT', '/api/conferences/nope', { maxMembers: 2 })).status).toBe(404);
  });

  it('answers JSON errors on the admin API even without an Accept header', async () => {
    const anon = await f.request('GET', '/api/conferences');
    expect(anon.status).toBe(401);
    expect(await errorOf(anon)).toEqual({ error: 'authentication required', code: 401 });
    const unknown = await admin('GET', '/api/nothing-here');
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe(404);
  });
});
