// On top of daemon-harness: phones joining conferences through the simulator, conference commands and
// details over HTTP, the conference events the daemon received, and an in-process app wired to the
// same daemon (store, live state, ESL pool) for request volumes TCP would make slow (the fuzz test).
import { newConference, type ConferenceInput } from '../../src/domain/conferences.js';
import type { EslEvent } from '../../src/esl/events.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { startHarness, USERS, type Harness, type HarnessOptions } from './daemon-harness.js';
import { basic, TEST_SCRYPT } from './http.js';
import type { ConferenceDetails, ExtendedMemberDetails } from '../../src/state/conference-details.js';

export type Principal = keyof typeof USERS;

/** Extension of each test conference in the simulator's dialplan (daemon-harness). */
export const EXTENSIONS: Record<string, string> = { 'alice-conf': '3000', 'carol-conf': '3001' };

export interface ConferenceHarness extends Harness {
  /** Every conference::maintenance event the daemon's ESL client received, in order. */
  conferenceEvents: EslEvent[];
  /** The phone of `user` calls the conference's extension; resolves with its member id once tracked. */
  join(user: string, conference?: string): Promise<number>;
  /** PUT (default) or GET /my/conference/{conf}/{tail} as `as` (default owner). */
  command(
    conference: string,
    tail: string,
    options?: { as?: Principal; method?: 'GET' | 'PUT'; json?: boolean },
  ): Promise<{ status: number; text: string; contentType: string }>;
  /** GET /my/conferencedetails/{conf}?extended=true as JSON; `body` is the parsed document when 200. */
  details(conference: string, as?: Principal): Promise<{ status: number; body: DetailsBody | undefined }>;
  /** The member in the current details, if listed. */
  member(conference: string, id: number): Promise<DetailsMember | undefined>;
  /** Command lines the simulator received after `mark()` (auth redacted, sync commands included). */
  linesSince(mark: number): string[];
  mark(): number;
  /** Adds a conference to the store (e.g. a second one owned by 200). */
  addConference(input: ConferenceInput): Promise<void>;
}

// The extended details document as the route builds it (a test that reads the wire asserts the same shape).
export type DetailsMember = ExtendedMemberDetails;
export type DetailsBody = ConferenceDetails<ExtendedMemberDetails>;

export async function startConferenceHarness(options: HarnessOptions = {}): Promise<ConferenceHarness> {
  const h = await startHarness(options);
  await h.waitSynced();
  const conferenceEvents: EslEvent[] = [];
  for (const client of h.daemon.pool.all())
    client.on('event', (e) => {
      if (e.subclass === 'conference::maintenance') conferenceEvents.push(e);
    });

  const join = async (user: string, conference = 'alice-conf'): Promise<number> => {
    const ext = EXTENSIONS[conference];
    if (ext === undefined) throw new Error(`no extension for ${conference}`);
    const reply = await h.sim.fs.execute(
      'originate',
      `{origination_caller_id_number=${user}}user/${user} ${ext} XML default`,
    );
    const uuid = /^\+OK (\S+)/.exec(reply)?.[1];
    if (uuid === undefined) throw new Error(`originate failed: ${reply}`);
    let id: number | undefined;
    await h.eventually(() => {
      const conf = h.daemon.live.conference(conference)?.conference;
      id = [...(conf?.members.values() ?? [])].find((m) => m.uuid === uuid)?.id;
      return id !== undefined;
    });
    return id!;
  };

  const command: ConferenceHarness['command'] = async (conference, tail, opts = {}) => {
    const res = await h.request(opts.method ?? 'PUT', `/my/conference/${conference}/${tail}`, {
      as: opts.as ?? 'owner',
      ...(opts.json ? { json: true } : {}),
    });
    return { status: res.status, text: await res.text(), contentType: res.headers.get('content-type') ?? '' };
  };

  const details: ConferenceHarness['details'] = async (conference, as = 'owner') => {
    const res = await h.request('GET', `/my/conferencedetails/${conference}?extended=true`, {
      as,
      json: true,
    });
    const body =
      res.status === 200 ? ((await res.json()) as { conference: DetailsBody }).conference : undefined;
    return { status: res.status, body };
  };

  return {
    ...h,
    conferenceEvents,
    join,
    command,
    details,
    member: async (conference, id) => (await details(conference)).body?.members.find((m) => m.id === id),
    mark: () => h.sim.server.received.length,
    linesSince: (mark) => h.sim.server.received.slice(mark).map((r) => r.line),
    addConference: async (input) => {
      await h.daemon.store.createConference(newConference(input));
    },
  };
}

/** `<command-response>TEXT</command-response>` → TEXT (XML-unescaped); JSON bodies too. */
export function commandResponseText(body: string): string | undefined {
  if (body.startsWith('{')) {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const text = parsed['command-response'];
    return typeof text === 'string' ? text : undefined;
  }
  const m = /<command-response>([\s\S]*)<\/command-response>/.exec(body);
  if (m === null) return undefined;
  return (m[1] ?? '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * The daemon's HTTP app built again in-process over the harness's daemon (same store, live state and
 * ESL pool): `request` skips TCP and HTTP parsing, so tens of thousands of requests stay fast.
 */
export function inProcessApp(h: Harness) {
  const app = createApp({
    store: h.daemon.store,
    logger: createLogger('silent'),
    settings: h.config,
    health: () => ({ ok: true, body: {} }),
    passwordScrypt: TEST_SCRYPT,
    live: h.daemon.live,
    control: h.daemon.control,
    events: h.daemon.events,
    metrics: h.daemon.metrics,
    stopping: () => false,
  });
  const env = { incoming: { socket: { remoteAddress: '192.0.2.7', remotePort: 40000 } } };
  return {
    app,
    request: async (method: string, path: string, as: Principal = 'owner'): Promise<Response> =>
      app.request(
        path,
        { method, headers: { Authorization: basic(USERS[as].userName, USERS[as].password) } },
        env,
      ),
  };
}
