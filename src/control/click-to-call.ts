// Click-to-call: ring the user's phone, then bridge to the target (domain/click-to-call.ts builds the
// originate line). Prepared first (validated, node and UUID chosen), so the API can count the call
// against its per-minute limit only once it is valid; then placed with bgapi, answered with the call's
// UUID as soon as FreeSWITCH acknowledges the job. A job not acknowledged within ESL_TIMEOUT_MS is
// cancelled, never placed late: 504, and the node's sync hangs the call up if FreeSWITCH still starts
// it (it may have read the command before it froze). What happens next shows in the live state and in
// the log lines keyed by the UUID.
import { randomUUID } from 'node:crypto';
import type { CallTarget } from '../domain/call-target.js';
import { clickToCallCommand, type ClickToCallRefusal } from '../domain/click-to-call.js';
import type { DialPolicy } from '../domain/dial-policy.js';
import type { User } from '../domain/users.js';
import type { Logger } from '../log.js';
import { ControlError, fromEslError } from './errors.js';
import type { FreeswitchNodes } from './freeswitch-nodes.js';
import type { SipDomainResolver } from './sip-domain.js';

export const CALL_CANCELLED =
  'FreeSWITCH did not acknowledge the call in time; it was cancelled (if FreeSWITCH still starts it, it is hung up)';

export interface ClickToCallSettings {
  dialplanContext: string;
  sipProfile: string;
  originateTimeoutS: number;
  dialPolicy: DialPolicy;
  eslRequestTimeoutMs: number;
}

export interface ClickToCallDeps {
  nodes: FreeswitchNodes;
  domains: SipDomainResolver;
  settings: ClickToCallSettings;
  logger: Logger;
}

/** A validated call, not placed yet. */
export interface PreparedCall {
  uuid: string;
  from: string;
  /** What is dialled, as the answer shows it. */
  to: string;
  nodeId: string;
  line: string;
}

const REFUSAL_STATUS: Record<Exclude<ClickToCallRefusal, 'misconfigured'>, 400 | 403> = {
  invalid: 400,
  'not-allowed': 403,
};

type JobOutcome = { reply: string } | { error: unknown };

export class ClickToCall {
  private readonly log: Logger;

  constructor(private readonly deps: ClickToCallDeps) {
    this.log = deps.logger.child({ component: 'click-to-call' });
  }

  /** The settings calls are placed with (read per call). */
  get settings(): ClickToCallSettings {
    return this.deps.settings;
  }

  /** Checks `target` for `user` on the node that would place it. Throws 400/403/503 ControlErrors. */
  async prepare(user: User, target: CallTarget): Promise<PreparedCall> {
    const { nodes, domains, settings } = this.deps;
    const nodeId = nodes.nodeForNew();
    const plan = clickToCallCommand(user, target, randomUUID(), {
      domain: await domains.domainFor(nodeId),
      dialplanContext: settings.dialplanContext,
      sipProfile: settings.sipProfile,
      originateTimeoutS: settings.originateTimeoutS,
      dialPolicy: settings.dialPolicy,
    });
    if (!plan.ok) {
      if (plan.reason === 'misconfigured') {
        this.log.error({ user: user.userName, err: plan.error }, 'click-to-call misconfigured');
        throw new ControlError(500, 'click-to-call is misconfigured', { field: 'to' });
      }
      throw new ControlError(REFUSAL_STATUS[plan.reason], plan.error, { field: 'to' });
    }
    const { uuid, dialed, line } = plan.value;
    return { uuid, from: user.userName, to: dialed, nodeId, line };
  }

  /** Places a prepared call; resolves once FreeSWITCH has the job. Throws 503/504 ControlErrors. */
  async place(call: PreparedCall): Promise<void> {
    const { nodes, settings } = this.deps;
    const log = this.log.child({ uuid: call.uuid, user: call.from, to: call.to, node: call.nodeId });
    // The job ends when the user's phone answers or fails, so its timer covers the ringing too.
    const job = nodes.startJob(call.nodeId, call.line, {
      timeoutMs: settings.originateTimeoutS * 1000 + settings.eslRequestTimeoutMs,
    });
    const outcome: Promise<JobOutcome> = job.done.then(
      (reply) => ({ reply }),
      (error: unknown) => ({ error }),
    );
    try {
      await job.accepted;
    } catch (err) {
      const failure = fromEslError(err);
      if (failure.status !== 504) throw failure; // never reached FreeSWITCH: 503
      nodes.live.unwanted.add(call.nodeId, call.uuid);
      log.warn('click-to-call not acknowledged by FreeSWITCH in time: cancelled');
      throw new ControlError(504, CALL_CANCELLED, { nodeId: call.nodeId });
    }
    void outcome.then((result) => logOutcome(log, result));
    log.info('click-to-call placed: ringing the user');
  }
}

/** Logs how the originate ended; its reply is the user's leg's fate (FreeSWITCH's cause on failure). */
function logOutcome(log: Logger, outcome: JobOutcome): void {
  if ('error' in outcome) {
    const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    log.warn({ err: message }, 'click-to-call: no answer from FreeSWITCH about the call');
    return;
  }
  const reply = outcome.reply.trim();
  if (reply.startsWith('+OK')) {
    log.info('click-to-call: the user answered; dialling the target');
    return;
  }
  const cause = /^-ERR\s+(\S+)/.exec(reply)?.[1] ?? reply.slice(0, 80);
  log.info({ cause }, `click-to-call: the user's phone was not connected (${cause})`);
}
