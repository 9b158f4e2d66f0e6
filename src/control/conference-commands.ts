// Running a conference command: the URL tail is parsed against the command table, and the table row's
// plan (domain/conference-command.ts commandPlan) is carried out: which other conference the caller
// must control, whether it may start the conference, api or bgapi, what live state to wait for, how
// it is answered (API.md "Conference commands": FreeSWITCH's text, xml_list's document itself,
// `Invitation sent`, record status/duration from the live state).
import type { CommandName, LiveExpectation, TypedCommand } from '../domain/command-types.js';
import { commandPlan, parseConferenceCommand, type CommandPlan } from '../domain/conference-command.js';
import type { Conference } from '../domain/conferences.js';
import { toEslLine } from '../domain/esl-line.js';
import { canControlConference } from '../domain/ownership.js';
import type { User } from '../domain/users.js';
import type { Recording } from '../state/conferences.js';
import type { Store } from '../store/store.js';
import { replyStatus, replyText, type ReplyStatus } from './command-reply.js';
import { commandContext, dialsOut, type CommandSettings } from './command-context.js';
import { ControlError } from './errors.js';
import type { FreeswitchNodes, RunningOrNot } from './freeswitch-nodes.js';
import { PendingRecordings } from './pending-recordings.js';
import type { SipDomainResolver } from './sip-domain.js';

/** What a command answers: FreeSWITCH's (or the daemon's) text, or xml_list's document itself. */
export interface CommandAnswer {
  /** The command's name as the table knows it (for the log). */
  command: CommandName;
  status: ReplyStatus;
  form: 'text' | 'xml';
  body: string;
  /** Whether anything went to FreeSWITCH (for the log). */
  sent: boolean;
}

export interface ConferenceCommandDeps {
  nodes: FreeswitchNodes;
  domains: SipDomainResolver;
  store: Store;
  settings: CommandSettings;
  /** How long a command with an `awaits` column waits for the live state to show it; default 2000 ms. */
  settleMs?: number;
  now?: () => number;
}

export type OwnCommandOutcome =
  | { outcome: 'sent'; status: ReplyStatus; reply: string }
  | { outcome: 'not-running' }
  | { outcome: 'node-unavailable'; nodeId: string };

const DEFAULT_SETTLE_MS = 2000;

/** Whole seconds the oldest running recording has recorded so far; 0 when none runs. */
export function recordedSeconds(recordings: readonly Recording[], now: number): number {
  if (recordings.length === 0) return 0;
  const started = Math.min(...recordings.map((r) => r.startedAt));
  return Math.max(0, Math.floor((now - started) / 1000));
}

type TextAnswer = (status: ReplyStatus, body: string, sent: boolean) => CommandAnswer;

const answerText =
  (command: CommandName): TextAnswer =>
  (status, body, sent) => ({ command, status, form: 'text', body, sent });

export class ConferenceCommands {
  /** One `record` at a time per conference (see pending-recordings.ts). */
  private readonly pendingRecordings = new PendingRecordings();

  constructor(private readonly deps: ConferenceCommandDeps) {}

  /**
   * Runs `{command}[&arg...]` (`tail`, still percent-encoded) on `conf` for `user`, who controls it.
   * Throws a ControlError: 400 bad command, 404/403 transfer's target, 503 node not in sync, 406 not
   * running (dial/bgdial/invite/inviteim start it instead), 504 FreeSWITCH did not answer.
   */
  async run(user: User, conf: Conference, tail: string): Promise<CommandAnswer> {
    const { nodes, store, settings } = this.deps;
    if (tail === '') throw new ControlError(400, 'no command');
    const domain = dialsOut(tail) ? await this.domainFor(conf.name) : '';
    const ctx = commandContext({ conf, settings, domain, store, placedBy: user.userName });
    const parsed = await parseConferenceCommand(tail, ctx);
    if (!parsed.ok) throw new ControlError(400, parsed.error);
    const plan = commandPlan(parsed.command, conf.name, settings.conferenceProfile);
    const text = answerText(parsed.command.name);

    if (plan.alsoControls !== undefined) {
      const other = await store.getConference(plan.alsoControls);
      if (other === undefined) throw new ControlError(404, 'unknown target conference');
      if (!canControlConference(user, other))
        throw new ControlError(403, 'not the owner or a delegate of the target conference');
    }

    const where = nodes.conference(conf.name);
    const recordings = where.found === 'running' ? where.conference.recordings : [];
    if (plan.handling === 'record-status')
      return text(200, recordings.length > 0 ? 'IN_PROGRESS' : 'NO_RECORDING', false);
    if (plan.handling === 'record-duration')
      return text(200, String(recordedSeconds(recordings, (this.deps.now ?? Date.now)())), false);
    if (where.found !== 'running' && !plan.startsConference)
      throw new ControlError(406, `conference ${conf.name} is not running (no members)`);

    if (plan.handling === 'record-start') {
      if (recordings.length > 0) return text(200, 'IN_PROGRESS', false);
      const started = await this.pendingRecordings.exclusive(conf.name, () =>
        this.send(conf, plan, where, text),
      );
      return started === undefined ? text(200, 'IN_PROGRESS', false) : started;
    }
    return this.send(conf, plan, where, text);
  }

  /**
   * Runs one of the daemon's own commands (a live setting, a moderator's unmute) in the running
   * conference `name`, on the node hosting it. No ownership check: the daemon asks. Throws
   * ControlErrors as run() does.
   */
  async runOwn(name: string, cmd: TypedCommand): Promise<OwnCommandOutcome> {
    const { nodes, settings } = this.deps;
    const location = nodes.live.conferenceNode(name);
    if (location === undefined) return { outcome: 'not-running' };
    if (!location.available) return { outcome: 'node-unavailable', nodeId: location.nodeId };
    const args = commandPlan(cmd, name, settings.conferenceProfile).args;
    if (args === null) throw new Error(`${cmd.name} is answered from live state, not run`);
    const reply = await nodes.api(location.nodeId, toEslLine(args));
    return { outcome: 'sent', status: replyStatus(reply, args[2] ?? ''), reply: replyText(reply) };
  }

  /** The plan on the line, to the node hosting the conference or the one that will start it. */
  private async send(
    conf: Conference,
    plan: CommandPlan,
    where: RunningOrNot,
    text: TextAnswer,
  ): Promise<CommandAnswer> {
    const { nodes, settings } = this.deps;
    const running = where.found === 'running';
    const args = running ? plan.args : plan.startArgs;
    if (args === null) throw new Error(`${plan.handling}: no FreeSWITCH form for this conference state`);
    const nodeId = running ? where.nodeId : nodes.nodeForNew();
    const line = toEslLine(args);
    const timeoutMs = Math.max(plan.timeoutMs ?? 0, settings.eslRequestTimeoutMs);
    const reply =
      plan.via === 'bgapi' ? await nodes.bgapi(nodeId, line, { timeoutMs }) : await nodes.api(nodeId, line);
    const status = replyStatus(reply, args[2] ?? '');
    const expected = plan.awaits;
    if (status === 200 && expected !== undefined)
      await nodes.until(() => this.shows(conf.name, expected), this.deps.settleMs ?? DEFAULT_SETTLE_MS);
    if (status === 200 && plan.handling === 'xml-document')
      return { ...text(status, reply, true), form: 'xml' };
    if (status === 200 && plan.handling === 'invitation-sent') return text(200, 'Invitation sent', true);
    return text(status, replyText(reply), true);
  }

  private shows(name: string, expected: LiveExpectation): boolean {
    const recordings = this.deps.nodes.live.conference(name)?.conference.recordings ?? [];
    return expected.kind === 'recording'
      ? recordings.some((r) => r.path === expected.path)
      : recordings.length === 0;
  }

  /** The SIP domain for a dialling command: of the node that hosts the conference or will start it. */
  private async domainFor(name: string): Promise<string> {
    if (this.deps.domains.configured !== undefined) return this.deps.domains.configured;
    const where = this.deps.nodes.conference(name);
    return this.deps.domains.domainFor(
      where.found === 'running' ? where.nodeId : this.deps.nodes.nodeForNew(),
    );
  }
}
