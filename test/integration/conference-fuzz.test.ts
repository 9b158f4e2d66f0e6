// Issue 5 acceptance, HTTP half: 12,000 generated hostile command URLs (seeded) through the daemon's
// app, connected to the simulated FreeSWITCH over ESL. Every command line that reaches the simulator
// must match an independent per-command regex (and carry no control character, brace or bracket), and
// no answer may be a 5xx other than 503/504. The app is driven in-process (same store, live state and
// ESL pool as the TCP daemon) so the run stays in seconds; what FreeSWITCH sees is the real wire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONES } from '../helpers/daemon-harness.js';
import {
  inProcessApp,
  startConferenceHarness,
  type ConferenceHarness,
} from '../helpers/conference-harness.js';
import { hostileCommandUrls } from '../helpers/hostile-command-urls.js';

const URLS = 12_000;
const BATCH = 200;

// ---- independent checker: what each command's line may look like on the wire --------------------
const M = '(?:[1-9][0-9]{0,9}|all|last)';
const ID = '[1-9][0-9]{0,9}';
const WORD = '[\\p{L}\\p{M}\\p{N}.,!?:;-]+';
const TEXT = `${WORD}(?: ${WORD})*`;
const SND = '/usr/share/freeswitch/sounds';
const REC = '/var/lib/freeswitch/recordings';
const STAMP = '[0-9]{8}T[0-9]{6}\\.[0-9]{3}Z';
const USER_DIAL = 'user/(?:200|201|202|admin)@example\\.org';
const ALLOWED_DIAL = 'loopback/[A-Za-z0-9+*#._-]+/default';
const CID = '(?: \\+?[0-9A-Za-z*#._-]{1,32}(?: [\\p{L}\\p{M}\\p{N}._-]{1,64})?)?';
// the variables the daemon itself puts on a leg a conference dials: member flags and who asked
const LEG_VARS =
  '\\{(?:outcall_flags=(?:moderator(?:\\|endconf)?|mute),)?fsconfd_user=(?:200|201|202|admin)\\}';
const TONE_ITEM = '(?:%\\([0-9.,]+\\)|L=[0-9]+|loops=-?[0-9]+|v=-?[0-9]+)';
/** A file name a client gave `record&<name>`: dotted words ending in a known audio extension. */
const NAMED =
  '[A-Za-z0-9][A-Za-z0-9_-]{0,127}(?:\\.[A-Za-z0-9_-]+)*\\.(?:[wW][aA][vV]|[mM][pP]3|[fF][lL][aA][cC])';
const api = (body: string) => new RegExp(`^api conference alice-conf ${body}$`, 'u');

const LINE_CHECKS: RegExp[] = [
  api(`(?:mute|unmute|deaf|undeaf|kick|hup|tmute) ${M}`),
  api(`energy ${M}(?: (?:1800|1[0-7][0-9]{2}|[1-9][0-9]{0,2}|0|up|down))?`),
  api(`volume_(?:in|out) ${M}(?: (?:-?[1-4]|0|up|down))?`),
  api(`dtmf ${M} [0-9*#A-D]{1,64}`),
  api('(?:lock|unlock|nopin|list|xml_list)'),
  api('pin [0-9]{1,16}'),
  api(
    `play (?:${SND}(?:/[A-Za-z0-9_](?:[A-Za-z0-9_-]|\\.(?!\\.))*){1,8}|tone_stream://${TONE_ITEM}(?:;${TONE_ITEM})*` +
      `|silence_stream://-?[0-9]+(?:,[0-9]+)?)(?: (?:${ID}|async))?`,
  ),
  api(`stop (?:current|all|async)(?: ${ID})?`),
  api(`say ${TEXT}`),
  api(`saymember ${ID} ${TEXT}`),
  api(`relate ${ID} ${ID} (?:nospeak|nohear|clear)`),
  api(`transfer [A-Za-z0-9_.-]{1,64}@default(?: ${ID}){1,20}`),
  api(`record ${REC}/(?:alice-conf-${STAMP}\\.wav|${NAMED})`),
  api(`norecord (?:all|${REC}/alice-conf-${STAMP}\\.wav|${REC}/${NAMED})`),
  // dial waits for its outcome: bgapi. Dialling commands may start the conference: name@profile.
  // (An admin may also dial into carol's conference, which is not running: invite starts it.)
  new RegExp(
    `^bgapi conference (?:alice|carol)-conf(?:@default)? dial ${LEG_VARS}(?:${USER_DIAL}|${ALLOWED_DIAL})${CID}$`,
    'u',
  ),
  new RegExp(
    `^api conference (?:alice|carol)-conf(?:@default)? bgdial ${LEG_VARS}(?:${USER_DIAL}|${ALLOWED_DIAL})${CID}$`,
    'u',
  ),
];

/** What the daemon itself sends to stay in sync (after a reconnect, say). */
const SYNC_LINES = /^(?:auth \[redacted\]|event json .*|api show channels as json|api conference xml_list)$/;
const CONTROL_OR_STRUCTURE = /[\p{Cc}\u2028\u2029{}[\]]/u;

/** Braces only as the daemon's own variable block right after dial/bgdial. */
const DAEMON_BLOCK = new RegExp(` (dial|bgdial) ${LEG_VARS}`, 'u');

/** An admin may command any running conference: carol-conf (once a dial started it) like alice-conf. */
const inGrammar = (line: string, as = 'owner'): boolean => {
  const own =
    as === 'admin' ? line.replace(/^api conference carol-conf /, 'api conference alice-conf ') : line;
  return (
    !CONTROL_OR_STRUCTURE.test(own.replace(DAEMON_BLOCK, ' $1 ')) && LINE_CHECKS.some((re) => re.test(own))
  );
};

let h: ConferenceHarness;
beforeAll(async () => {
  // Phones answer at once, so dials finish quickly; one allow-listed pattern besides known users.
  const reachability = Object.fromEntries(
    Object.values(PHONES).map((c) => [c, { kind: 'answer' as const, afterMs: 1 }]),
  );
  h = await startConferenceHarness({ env: { DIAL_ALLOW: 'loopback/*/default' }, reachability });
  await h.addConference({ name: 'alice-second', owner: '200', extension: '3002' });
});
afterAll(async () => {
  await h.close();
});

async function keepMembers(min: number): Promise<void> {
  const conf = h.daemon.live.conference('alice-conf')?.conference;
  if (conf?.locked) await h.command('alice-conf', 'unlock');
  for (let n = conf?.members.size ?? 0; n < min; n++) await h.join(n % 2 === 0 ? '200' : '201');
}

describe('conference command fuzz over HTTP', () => {
  it('the checker itself refuses lines outside the grammar', () => {
    for (const line of [
      'api conference alice-conf mute 1',
      'api conference alice-conf play /usr/share/freeswitch/sounds/conference/conf-pin.wav 3',
      'bgapi conference alice-conf dial {fsconfd_user=200}user/202@example.org 3000 Alice_weekly',
      'api conference alice-conf@default bgdial {outcall_flags=mute,fsconfd_user=admin}loopback/9991/default',
      'api conference alice-conf record /var/lib/freeswitch/recordings/minutes.wav',
    ])
      expect(inGrammar(line), line).toBe(true);
    for (const line of [
      'api conference alice-conf mute 1\r\napi status',
      'api conference alice-conf mute 1 2',
      'api conference alice-conf play /etc/passwd',
      'api conference alice-conf play /usr/share/freeswitch/sounds/../../../etc/passwd',
      'api conference alice-conf dial {origination_caller_id_number=666}user/200@example.org',
      'bgapi conference alice-conf dial {fsconfd_user=200}{x=1}user/202@example.org',
      'bgapi conference alice-conf dial user/202@example.org 3000 Alice_weekly',
      'bgapi conference alice-conf dial user/999@example.org',
      'bgapi conference alice-conf dial sofia/internal/1000@127.0.0.1',
      'api conference alice-conf say ${system(id)}',
      'api conference carol-conf lock',
      'api conference carol-conf@default lock',
      'api conference alice-conf@default lock',
      'bgapi conference alice-conf lock',
      'api conference alice-conf record /tmp/x.wav',
      'api conference alice-conf record /var/lib/freeswitch/recordings/../x.wav',
      'api conference alice-conf record /var/lib/freeswitch/recordings/x.sh',
      'api conference alice-conf record /var/lib/freeswitch/recordings/sub/x.wav',
      'api conference alice-conf getvar x',
    ])
      expect(inGrammar(line), line).toBe(false);
    // an admin's command on carol's running conference follows the same grammar
    expect(inGrammar('api conference carol-conf lock', 'admin')).toBe(true);
    expect(inGrammar('api conference carol-conf getvar x', 'admin')).toBe(false);
  });

  it(`${URLS} hostile URLs: only lines inside the grammar reach FreeSWITCH, no 5xx but 503/504`, async () => {
    const { request } = inProcessApp(h);
    const next = hostileCommandUrls(0xc0ffee);
    const statuses = new Map<number, number>();
    const problems: string[] = [];
    const sent: string[] = [];
    const started = Date.now();
    for (let done = 0; done < URLS; done += BATCH) {
      await keepMembers(2);
      h.sim.server.received.splice(0);
      for (let i = 0; i < BATCH; i++) {
        const { method, path } = next();
        const as = i % 10 === 0 ? 'admin' : i % 10 === 1 ? 'delegate' : 'owner';
        const res = await request(method, path, as);
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500 && res.status !== 503 && res.status !== 504)
          problems.push(`${res.status} for ${method} ${JSON.stringify(path)}`);
        for (const { line } of h.sim.server.received.splice(0)) {
          if (SYNC_LINES.test(line)) continue;
          sent.push(line);
          if (!inGrammar(line, as)) problems.push(`outside the grammar (${as}): ${JSON.stringify(line)}`);
        }
      }
    }
    const elapsed = Date.now() - started;
    console.log(
      `fuzz: ${URLS} URLs in ${elapsed} ms, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ` +
        `${sent.length} lines sent, ${new Set(sent.map((l) => l.split(' ')[3])).size} commands`,
    );
    expect(problems.slice(0, 20)).toEqual([]);
    // Not vacuous: many commands really ran, of many kinds, and many were refused.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(URLS / 10);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(URLS / 3);
    expect(new Set(sent.map((l) => l.split(' ')[3])).size).toBeGreaterThanOrEqual(25);
  }, 120_000);
});
