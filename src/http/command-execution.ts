// Running a parsed conference command: on the node hosting the conference (or, for commands that can
// start one, the first node in sync), answered per API.md: FreeSWITCH's text in <command-response>,
// xml_list's document itself, `Invitation sent`, and record status/duration from the live state.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Config } from '../config.js';
import type { TypedCommand } from '../domain/command-types.js';
import { handlingOf, toEslArgs } from '../domain/conference-command.js';
import type { Conference } from '../domain/conferences.js';
import { toEslLine } from '../domain/esl-line.js';
import type { EslClient } from '../esl/client.js';
import type { EslPool } from '../esl/pool.js';
import type { Recording } from '../state/conferences.js';
import type { LiveState } from '../state/node-state.js';
import { replyStatus, replyText, type ReplyStatus } from './command-reply.js';
import { HttpError, nodeUnavailable } from './errors.js';
import { findLiveConference, nodeToStartOn, type LiveLookup } from './live-conference.js';
import { untilLiveState } from '../control/state-wait.js';
import type { PendingRecordings } from './live-wait.js';
import { respond, XML_CONTENT_TYPE } from './represent.js';

export const COMMAND_RESPONSE = 'command-response';

/**
 * `conference dial` waits in FreeSWITCH for the outcome (up to its 60 s originate timeout), so it goes
 * out as bgapi (the ESL connection stays free for other requests) and may take this long.
 */
export const DIAL_WAIT_MS = 65_000;

/** Commands that FreeSWITCH runs for a conference that is not running yet, creating it. */
const STARTS_CONFERENCE: ReadonlySet<TypedCommand['name']> = new Set([
  'dial',
  'bgdial',
  'invite',
  'inviteim',
]);

export interface CommandExecutionDeps {
  live?: LiveState | undefined;
  esl?: EslPool | undefined;
  config: Pick<Config, 'conferenceProfile' | 'eslRequestTimeoutMs'>;
  /** Shared by every request of one app: one `record` at a time per conference. */
  pendingRecordings: PendingRecordings;
  /** How long `record` / `record&stop` wait for the live state to show their effect; default 2000 ms. */
  recordSettleMs?: number;
  now?: () => number;
}

export interface CommandOutcome {
  response: Response;
  /** Whether anything went to FreeSWITCH (for the log). */
  sent: boolean;
}

const DEFAULT_RECORD_SETTLE_MS = 2000;

const wrapped = (c: Context, status: ContentfulStatusCode, text: string): Response =>
  respond(c, status, COMMAND_RESPONSE, text, { headers: { 'Cache-Control': 'no-store' } });

/** Whole seconds the oldest running recording has recorded so far; 0 when none runs. */
export function recordedSeconds(recordings: readonly Recording[], now: number): number {
  if (recordings.length === 0) return 0;
  const started = Math.min(...recordings.map((r) => r.startedAt));
  return Math.max(0, Math.floor((now - started) / 1000));
}

interface Sent {
  reply: string;
  status: ReplyStatus;
  client: EslClient;
}

/** The command on the line, to the node hosting the conference or the one that will start it. */
async function send(
  deps: CommandExecutionDeps,
  conf: Conference,
  cmd: TypedCommand,
  found: LiveLookup,
): Promise<Sent> {
  const nodeId = found.running ? found.nodeId : nodeToStartOn(deps.live, deps.esl);
  const client = deps.esl?.get(nodeId);
  if (client === undefined) throw nodeUnavailable();
  const args = toEslArgs(cmd, conf.name);
  if (args === null) throw new Error(`command ${cmd.name} has no FreeSWITCH form`);
  // FreeSWITCH creates a conference it does not know on `<name>@<profile> dial|bgdial`.
  if (!found.running) args[1] = `${conf.name}@${deps.config.conferenceProfile}`;
  const line = toEslLine(args);
  const reply =
    cmd.name === 'dial'
      ? await client.bgapi(line, { timeoutMs: Math.max(DIAL_WAIT_MS, deps.config.eslRequestTimeoutMs) })
      : await client.api(line);
  return { reply, status: replyStatus(reply, args[2] ?? ''), client };
}

const liveRecordings = (deps: CommandExecutionDeps, name: string): readonly Recording[] =>
  deps.live?.conference(name)?.conference.recordings ?? [];

export async function executeCommand(
  c: Context,
  deps: CommandExecutionDeps,
  conf: Conference,
  cmd: TypedCommand,
): Promise<CommandOutcome> {
  const handling = handlingOf(cmd);
  const found = findLiveConference(deps.live, conf.name);
  const recordings = found.running ? found.conference.recordings : [];
  const settleMs = deps.recordSettleMs ?? DEFAULT_RECORD_SETTLE_MS;

  if (handling === 'record-status')
    return { response: wrapped(c, 200, recordings.length > 0 ? 'IN_PROGRESS' : 'NO_RECORDING'), sent: false };
  if (handling === 'record-duration') {
    const seconds = recordedSeconds(recordings, (deps.now ?? Date.now)());
    return { response: wrapped(c, 200, String(seconds)), sent: false };
  }
  if (!found.running && !STARTS_CONFERENCE.has(cmd.name))
    throw new HttpError(406, `conference ${conf.name} is not running (no members)`);

  if (cmd.name === 'record' && cmd.action === 'start') {
    const path = cmd.path;
    if (recordings.length > 0) return { response: wrapped(c, 200, 'IN_PROGRESS'), sent: false };
    const started = await deps.pendingRecordings.exclusive(conf.name, async () => {
      const sent = await send(deps, conf, cmd, found);
      if (sent.status === 200) {
        const shown = () => liveRecordings(deps, conf.name).some((r) => r.path === path);
        await untilLiveState(deps.live, shown, settleMs);
      }
      return sent;
    });
    if (started === undefined) return { response: wrapped(c, 200, 'IN_PROGRESS'), sent: false };
    return { response: wrapped(c, started.status, replyText(started.reply)), sent: true };
  }

  const sent = await send(deps, conf, cmd, found);
  if (sent.status === 200 && handling === 'record-stop')
    await untilLiveState(deps.live, () => liveRecordings(deps, conf.name).length === 0, settleMs);
  if (sent.status === 200 && handling === 'xml-document') {
    const headers = { 'Content-Type': XML_CONTENT_TYPE, 'Cache-Control': 'no-store' };
    return { response: c.body(sent.reply, 200, headers), sent: true };
  }
  if (sent.status === 200 && handling === 'invitation-sent')
    return { response: wrapped(c, 200, 'Invitation sent'), sent: true };
  return { response: wrapped(c, sent.status, replyText(sent.reply)), sent: true };
}
