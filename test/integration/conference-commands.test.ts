// Issue 5 acceptance: every row of the command table run over HTTP against the simulated FreeSWITCH,
// with its effect seen where FreeSWITCH shows it: /my/conferencedetails (mute → canSpeak false, lock →
// locked, ...), record&status, the conference events FreeSWITCH fired, or the simulator's own answer.
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { CONFERENCE_COMMANDS } from '../../src/domain/commands.js';
import {
  commandResponseText,
  startConferenceHarness,
  type ConferenceHarness,
} from '../helpers/conference-harness.js';

let h: ConferenceHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A harness with Alice (200) and Bob (201) in alice-conf; a and b are their member ids. */
async function twoMembers(): Promise<{ h: ConferenceHarness; a: number; b: number }> {
  h = await startConferenceHarness();
  const a = await h.join('200');
  const b = await h.join('201');
  return { h, a, b };
}

async function ok(harness: ConferenceHarness, tail: string): Promise<string> {
  const res = await harness.command('alice-conf', tail);
  expect(res.status, `${tail}: ${res.text}`).toBe(200);
  expect(res.contentType).toMatch(/^text\/xml/);
  const text = commandResponseText(res.text);
  expect(text, res.text).toBeDefined();
  return text!;
}

const eventOf = (harness: ConferenceHarness, action: string) =>
  harness.conferenceEvents.find((e) => e.headers['Action'] === action);

/** Every name in the command table is covered by at least one test below (kept in sync by hand). */
const COVERED = [
  'mute', 'unmute', 'deaf', 'undeaf', 'kick', 'hup', 'tmute', 'energy', 'volume_in', 'volume_out',
  'dtmf', 'lock', 'unlock', 'nopin', 'pin', 'play', 'stop', 'say', 'saymember', 'relate', 'transfer',
  'dial', 'bgdial', 'invite', 'inviteim', 'record', 'norecord', 'list', 'xml_list',
]; // prettier-ignore

describe('conference commands against the simulator', () => {
  it('covers every command of the table', () => {
    expect(new Set(COVERED)).toEqual(new Set(CONFERENCE_COMMANDS.map((c) => c.name)));
  });

  it('mute / unmute / tmute change canSpeak; the reply is wrapped FreeSWITCH text', async () => {
    const { h, a, b } = await twoMembers();
    expect(await ok(h, `mute&${a}`)).toBe(`+OK mute ${a}`);
    await h.eventually(async () => (await h.member('alice-conf', a))?.canSpeak === false);
    expect((await h.member('alice-conf', b))?.canSpeak).toBe(true);
    expect(await ok(h, `unmute&${a}`)).toBe(`+OK unmute ${a}`);
    await h.eventually(async () => (await h.member('alice-conf', a))?.canSpeak === true);
    expect(await ok(h, 'tmute&last')).toBe(`+OK mute ${b}`);
    await h.eventually(async () => (await h.member('alice-conf', b))?.canSpeak === false);
    expect(await ok(h, 'tmute&last')).toBe(`+OK unmute ${b}`);
    await h.eventually(async () => (await h.member('alice-conf', b))?.canSpeak === true);
  });

  it('deaf / undeaf change canHear (also with the sipX GET form and JSON)', async () => {
    const { h, a } = await twoMembers();
    const res = await h.command('alice-conf', `deaf&${a}`, { method: 'GET', json: true });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ 'command-response': `+OK deaf ${a}` });
    await h.eventually(async () => (await h.member('alice-conf', a))?.canHear === false);
    expect(await ok(h, `undeaf&${a}`)).toBe(`+OK undeaf ${a}`);
    await h.eventually(async () => (await h.member('alice-conf', a))?.canHear === true);
  });

  it('energy / volume_in / volume_out set the levels shown in the details', async () => {
    const { h, a, b } = await twoMembers();
    expect(await ok(h, `energy&${a}&300`)).toBe(`Energy ${a} = 300`);
    expect(await ok(h, `volume_in&${a}&2`)).toBe(`+OK Volume IN ${a} = 2`);
    expect(await ok(h, `volume_out&${b}&-1`)).toBe(`+OK Volume OUT ${b} = -1`);
    await h.eventually(async () => {
      const ma = await h.member('alice-conf', a);
      const mb = await h.member('alice-conf', b);
      return ma?.energyLevel === 300 && ma.volumeIn === 2 && mb?.volumeOut === -1;
    });
    // Query form: no value, FreeSWITCH reports the current one.
    expect(await ok(h, `volume_in&${a}`)).toBe(`+OK Volume IN ${a} = 2`);
  });

  it('kick and hup remove members; the emptied conference answers 406', async () => {
    const { h, a, b } = await twoMembers();
    expect(await ok(h, `kick&${a}`)).toBe(`+OK kicked ${a}`);
    await h.eventually(async () => (await h.member('alice-conf', a)) === undefined);
    expect(await ok(h, `hup&${b}`)).toBe(`+OK hup ${b}`);
    await h.eventually(async () => (await h.details('alice-conf')).status === 406);
    const mark = h.mark();
    expect((await h.command('alice-conf', 'lock')).status).toBe(406);
    expect(h.linesSince(mark)).toEqual([]);
  });

  it('dtmf sends the digits to the member (FreeSWITCH fires dtmf-member)', async () => {
    const { h, a } = await twoMembers();
    expect(await ok(h, `dtmf&${a}&12%23*`)).toBe(`+OK sent 12#* to ${a}`);
    await h.eventually(() => eventOf(h, 'dtmf-member')?.headers['Digits'] === '12#*');
  });

  it('lock / unlock change locked', async () => {
    const { h } = await twoMembers();
    expect(await ok(h, 'lock')).toBe('+OK alice-conf locked');
    await h.eventually(async () => (await h.details('alice-conf')).body?.locked === true);
    expect(await ok(h, 'unlock')).toBe('+OK alice-conf unlocked');
    await h.eventually(async () => (await h.details('alice-conf')).body?.locked === false);
  });

  it('pin / nopin set and delete the PIN in FreeSWITCH', async () => {
    const { h } = await twoMembers();
    const mark = h.mark();
    expect(await ok(h, 'pin&4321')).toBe('+OK Pin for conference alice-conf set: 4321');
    expect(await ok(h, 'nopin')).toBe('+OK Pin for conference alice-conf deleted');
    expect(h.linesSince(mark)).toEqual([
      'api conference alice-conf pin 4321',
      'api conference alice-conf nopin',
    ]);
  });

  it('play a sound from the sound directory, a tone to one member, then stop', async () => {
    const { h, a } = await twoMembers();
    const file = `${h.config.soundDir}/conference/conf-pin.wav`;
    expect(await ok(h, 'play&conference/conf-pin.wav')).toBe(`+OK (play) Playing file ${file}`);
    await h.eventually(() => eventOf(h, 'play-file')?.headers['File'] === file);
    expect(await ok(h, `play&tone_stream://%25(100,100,350)&${a}`)).toBe(
      `+OK (play) Playing file tone_stream://%(100,100,350) to member ${a}`,
    );
    await h.eventually(() => eventOf(h, 'play-file-member')?.headers['Member-ID'] === String(a));
    expect(await ok(h, 'stop&all')).toMatch(/^\+OK Stopped \d+ files\.$/);
  });

  it('say and saymember speak text (speak-text events carry it)', async () => {
    const { h, a } = await twoMembers();
    expect(await ok(h, 'say&Meeting%20ends%20soon.')).toBe('+OK (say) OK');
    await h.eventually(() => eventOf(h, 'speak-text')?.headers['Text'] === 'Meeting ends soon.');
    expect(await ok(h, `saymember&${a}&Hello%20Alice`)).toBe('+OK (saymember) OK');
    await h.eventually(() => eventOf(h, 'speak-text-member')?.headers['Text'] === 'Hello Alice');
  });

  it('relate sets a relationship FreeSWITCH then lists', async () => {
    const { h, a, b } = await twoMembers();
    expect(await ok(h, `relate&${a}&${b}&nohear`)).toBe(`+OK ${a}->${b} nohear set`);
    expect(await h.sim.fs.execute('conference', `alice-conf relate ${a}`)).toContain(
      `${a} -> ${b} SPEAK NOHEAR`,
    );
    expect(await ok(h, `relate&${a}&${b}&clear`)).toBe(`+OK relationship ${a}->${b} cleared.`);
  });

  it('transfer moves a member into another conference the caller owns', async () => {
    const { h, a } = await twoMembers();
    await h.addConference({ name: 'alice-second', owner: '200', extension: '3002' });
    expect(await ok(h, `transfer&alice-second&${a}`)).toBe(
      `+OK Member '${a}' sent to conference alice-second@default.`,
    );
    await h.eventually(async () => (await h.member('alice-second', a))?.name === '200');
    expect(await h.member('alice-conf', a)).toBeUndefined();
  });

  it('dial (waits for the outcome, sent as bgapi) and bgdial bring known users in', async () => {
    const { h } = await twoMembers();
    const mark = h.mark();
    expect(await ok(h, 'dial&202')).toBe('+OK Call Requested: result: [SUCCESS]');
    await h.eventually(
      async () => (await h.details('alice-conf')).body?.members.some((m) => m.name === '202') === true,
    );
    expect(h.linesSince(mark)).toContain(
      'bgapi conference alice-conf dial {fsconfd_user=200}user/202@example.org 3000 Alice_weekly',
    );
    await h.command('alice-conf', 'hup&last');
    await h.eventually(async () => (await h.details('alice-conf')).body?.members.length === 2);
    expect(await ok(h, 'bgdial&user/202&4711&Front_desk')).toMatch(/^\+OK Job-UUID: [0-9a-f-]{36}$/);
    await h.eventually(
      async () => (await h.details('alice-conf')).body?.members.some((m) => m.name === '202') === true,
    );
    expect(h.linesSince(mark)).toContain(
      'api conference alice-conf bgdial {fsconfd_user=200}user/202@example.org 4711 Front_desk',
    );
  });

  it('invite and inviteim answer "Invitation sent" and the user joins, with imId in the details', async () => {
    const { h } = await twoMembers();
    expect(await ok(h, 'invite&202')).toBe('Invitation sent');
    await h.eventually(
      async () =>
        (await h.details('alice-conf')).body?.members.some((m) => m.name === '202' && m.imId === 'carol') ===
        true,
    );
    await h.command('alice-conf', 'hup&last');
    await h.eventually(async () => (await h.details('alice-conf')).body?.members.length === 2);
    const mark = h.mark();
    expect(await ok(h, 'inviteim&carol')).toBe('Invitation sent');
    expect(h.linesSince(mark)).toEqual([
      'api conference alice-conf bgdial {fsconfd_user=200}user/202@example.org 3000 Alice_weekly',
    ]);
    await h.eventually(async () => (await h.details('alice-conf')).body?.members.length === 3);
  });

  it('invite starts a conference that is not running (dial/bgdial/invite/inviteim may)', async () => {
    h = await startConferenceHarness();
    expect((await h.details('alice-conf')).status).toBe(406);
    const mark = h.mark();
    expect(await ok(h, 'invite&201')).toBe('Invitation sent');
    expect(h.linesSince(mark)).toEqual([
      // an invited delegate joins as moderator (member-flags.ts)
      'api conference alice-conf@default bgdial {outcall_flags=moderator,fsconfd_user=200}user/201@example.org 3000 Alice_weekly',
    ]);
    const harness = h;
    await h.eventually(async () => (await harness.details('alice-conf')).body?.members[0]?.name === '201');
  });

  it('invite of a phone number or SIP URI goes through the dialplan and the dial policy (sipX took any number)', async () => {
    h = await startConferenceHarness({ env: { DIAL_ALLOW: 'loopback/+1*/default' } });
    await h.join('200');
    const mark = h.mark();
    expect(await ok(h, 'invite&%2B1%20(555)%20123-4567')).toBe('Invitation sent');
    expect(await ok(h, 'invite&sip%3A201%40example.org')).toBe('Invitation sent');
    expect(h.linesSince(mark)).toEqual([
      'api conference alice-conf bgdial {fsconfd_user=200}loopback/+15551234567/default 3000 Alice_weekly',
      // 201 is a delegate of alice-conf: invited as a moderator
      'api conference alice-conf bgdial {outcall_flags=moderator,fsconfd_user=200}user/201@example.org 3000 Alice_weekly',
    ]);
    const refused = mark + 2;
    for (const tail of ['invite&%2B4930123456', 'invite&sip%3Abob%40evil.example.net', 'invite&user%2F201']) {
      const res = await h.command('alice-conf', tail);
      expect(res.status, tail).toBe(400);
    }
    expect(h.linesSince(refused)).toEqual([]);
  });

  it('record&<file name> records to that plain name in the recordings directory; norecord stops it by name', async () => {
    const { h } = await twoMembers();
    const started = await ok(h, 'record&minutes');
    expect(started).toBe(`+OK Record file ${h.config.recordingsDir}/minutes.wav`);
    expect(await ok(h, 'record&status')).toBe('IN_PROGRESS');
    expect(await ok(h, 'record&other.mp3')).toBe('IN_PROGRESS');
    expect(await ok(h, 'norecord&minutes.wav')).toContain(
      `Stopped recording file ${h.config.recordingsDir}/minutes.wav`,
    );
    await h.eventually(async () => (await ok(h, 'record&status')) === 'NO_RECORDING');
    const mark = h.mark();
    for (const tail of [
      'record&..%2Fminutes.wav',
      'record&%2Fetc%2Fx.wav',
      'record&x.sh',
      'record&a%0Ab.wav',
    ]) {
      const res = await h.command('alice-conf', tail);
      expect(res.status, tail).toBe(400);
    }
    expect(h.linesSince(mark)).toEqual([]);
  });

  it('record: IN_PROGRESS in status, again while recording sends nothing, duration, stop', async () => {
    const { h } = await twoMembers();
    expect(await ok(h, 'record&status')).toBe('NO_RECORDING');
    const started = await ok(h, 'record');
    const path = /^\+OK Record file (\S+)$/.exec(started)?.[1];
    expect(path).toMatch(new RegExp(`^${h.config.recordingsDir}/alice-conf-\\d{8}T\\d{6}\\.\\d{3}Z\\.wav$`));
    expect(await ok(h, 'record&status')).toBe('IN_PROGRESS');
    const mark = h.mark();
    expect(await ok(h, 'record')).toBe('IN_PROGRESS');
    expect(h.linesSince(mark)).toEqual([]);
    // Five seconds ago, as far as the live state knows: duration counts from the recording's start.
    h.daemon.live.conference('alice-conf')!.conference.recordings[0]!.startedAt -= 5_000;
    expect(Number(await ok(h, 'record&duration'))).toBe(5);
    expect(await ok(h, 'record&stop')).toContain(`Stopped recording file ${path}`);
    expect(await ok(h, 'record&status')).toBe('NO_RECORDING');
    expect(await ok(h, 'record&duration')).toBe('0');
  });

  it('norecord stops a recording the daemon started, by file name; an unknown one is 404', async () => {
    const { h } = await twoMembers();
    const path = /^\+OK Record file (\S+)$/.exec(await ok(h, 'record'))![1]!;
    const fileName = path.slice(path.lastIndexOf('/') + 1);
    expect(await ok(h, `norecord&${fileName}`)).toContain(`Stopped recording file ${path}`);
    await h.eventually(async () => (await ok(h, 'record&status')) === 'NO_RECORDING');
    const res = await h.command('alice-conf', `norecord&${fileName}`);
    expect(res.status).toBe(404);
    expect(commandResponseText(res.text)).toMatch(/^-ERR non-existant recording/);
    expect(await ok(h, 'norecord&all')).toBe('+OK Stopped recording 0 files');
  });

  it("list gives FreeSWITCH's member lines; xml_list its XML document itself", async () => {
    const { h, a, b } = await twoMembers();
    const list = await ok(h, 'list');
    expect(list.split('\n').map((l) => l.split(';')[0])).toEqual([String(b), String(a)]);
    const res = await h.command('alice-conf', 'xml_list');
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/xml/);
    expect(res.text.startsWith('<?xml version="1.0"?>\n<conferences>')).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(res.text) as {
      conferences: { conference: { '@_name': string; members: { member: Array<{ id: number }> } } };
    };
    expect(doc.conferences.conference['@_name']).toBe('alice-conf');
    expect(doc.conferences.conference.members.member.map((m) => m.id).sort()).toEqual([a, b].sort());
  });

  it("FreeSWITCH's refusals keep their text in the wrapper: no such member is 404", async () => {
    const { h } = await twoMembers();
    let res = await h.command('alice-conf', 'mute&999');
    expect(res.status).toBe(404);
    expect(commandResponseText(res.text)).toBe('-ERR Non-Existant ID 999');
    res = await h.command('alice-conf', 'saymember&999&hi');
    expect(res.status).toBe(404);
    expect(commandResponseText(res.text)).toContain('-ERR (saymember) Unknown Member 999!');
    res = await h.command('alice-conf', 'transfer&alice-conf-2&999');
    expect(res.status).toBe(404); // the target is not in the store
    await h.addConference({ name: 'alice-second', owner: '200', extension: '3002' });
    res = await h.command('alice-conf', 'transfer&alice-second&999');
    expect(res.status).toBe(404);
    expect(commandResponseText(res.text)).toBe('-ERR No Member 999 in conference alice-conf.');
  });
});
