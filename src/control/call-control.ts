// Control of a live call: find it in the tracked state by the uuid /my/activecdrs shows, check who
// asks, build the plan (call-control-plan.ts), send it to the node the call is on, and wait (a
// bounded while) until the live state shows the change, so the answer and an activecdrs read right
// after it agree. FreeSWITCH's own answers are read too: `uuid_hold` says +OK even for a uuid it does
// not know, which is why the call must be found in the tracked state first.
import type { CallAction, CallActor, ExpectedChange, TransferSettings } from './call-control-plan.js';
import { callControlPlan, mayControl } from './call-control-plan.js';
import type { Logger } from '../log.js';
import { callProgress, type CallProgress } from '../state/call-progress.js';
import type { Call, CallState } from '../state/calls.js';
import { callOf, lookUpCall } from '../state/live-lookups.js';
import { ControlError, stateUnavailable } from './errors.js';
import type { FreeswitchNodes } from './freeswitch-nodes.js';
import type { SipDomainResolver } from './sip-domain.js';

/** How long an answer waits for the live state to show the change (FreeSWITCH's events follow its reply). */
export const CALL_CONTROL_SETTLE_MS = 2000;

export const CALL_UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface CallControlDone {
  uuid: string;
  action: CallAction['name'];
  /** The call's state once the change showed (or when the wait ended); `ended` when it is gone. */
  state: CallProgress | 'ended';
  dialed?: string;
}

export type TransferConfig = Omit<TransferSettings, 'domain'>;

export interface CallControlDeps {
  nodes: FreeswitchNodes;
  domains: SipDomainResolver;
  /** Transfer settings (the SIP domain is asked of the node the call is on). */
  transfer: TransferConfig;
  logger: Logger;
  settleMs?: number;
}

const REFUSAL_STATUS = { 'not-yours': 403, state: 409, invalid: 400, 'not-allowed': 403 } as const;

/** What FreeSWITCH's answer to one of the lines means. */
function replyOutcome(reply: string): 'ok' | 'gone' | 'state' | 'refused' {
  const text = reply.trim();
  if (text.startsWith('+OK')) return 'ok';
  if (/^-ERR No such channel/i.test(text)) return 'gone';
  if (/^-ERR Operation failed/i.test(text)) return 'state';
  return 'refused';
}

export class CallController {
  private readonly log: Logger;

  constructor(private readonly deps: CallControlDeps) {
    this.log = deps.logger.child({ component: 'call-control' });
  }

  /**
   * Runs `action` on the call `uuid` for `actor`. Throws a ControlError: 404 unknown call, 403 not
   * theirs (or a transfer target the policy refuses), 400 bad target, 409 the call's state does not
   * allow it, 503 a node is being resynced.
   */
  async run(actor: CallActor, uuid: string, action: CallAction): Promise<CallControlDone> {
    const { nodes } = this.deps;
    const found = lookUpCall(nodes.live, uuid);
    if (found.found === 'unknown') throw stateUnavailable();
    if (found.found === 'absent') throw new ControlError(404, 'no such live call');
    const { nodeId, call } = found;
    if (!mayControl(call, actor)) throw new ControlError(403, 'not a party to this call');
    const settings =
      action.name === 'transfer'
        ? { ...this.deps.transfer, domain: await this.deps.domains.domainFor(nodeId) }
        : undefined;
    const planned = callControlPlan(call, actor, action, settings);
    if (!planned.ok) {
      const aboutTarget = planned.reason === 'invalid' || planned.reason === 'not-allowed';
      throw new ControlError(
        REFUSAL_STATUS[planned.reason],
        planned.error,
        aboutTarget ? { field: 'to' } : {},
      );
    }
    const plan = planned.value;
    const log = this.log.child({ uuid, node: nodeId, action: plan.action, by: actor.userName });

    for (const [index, line] of plan.lines.entries()) {
      const reply = await nodes.api(nodeId, line);
      const outcome = replyOutcome(reply);
      if (outcome === 'gone' && plan.goneIsDone && index > 0) continue;
      if (outcome === 'gone') throw new ControlError(404, 'the call has ended');
      if (outcome === 'state')
        throw new ControlError(409, 'FreeSWITCH refused: the call is not in a state for this');
      if (outcome === 'refused') {
        log.warn({ reply: reply.trim().slice(0, 120) }, 'call control refused by FreeSWITCH');
        throw new ControlError(409, `FreeSWITCH refused: ${reply.trim().slice(0, 120)}`);
      }
    }
    const calls = () => nodes.live.node(nodeId)?.calls;
    const shown = () => plan.expect.every((change) => happened(calls(), change));
    const settled = await nodes.until(shown, this.deps.settleMs ?? CALL_CONTROL_SETTLE_MS);
    if (!settled) log.warn('FreeSWITCH accepted the command but its events have not shown it yet');
    log.info({ dialed: plan.dialed }, 'call control done');
    return {
      uuid,
      action: plan.action,
      state: stateNow(calls(), call, uuid),
      ...(plan.dialed !== undefined ? { dialed: plan.dialed } : {}),
    };
  }
}

function happened(calls: CallState | undefined, change: ExpectedChange): boolean {
  if (calls === undefined) return true;
  const leg = calls.channels.get(change.leg);
  const gone = leg === undefined || leg.phase === 'hangup';
  switch (change.kind) {
    case 'leg-ended':
      // gone from the state, not only hung up: activecdrs no longer lists it
      return leg === undefined;
    case 'leg-held':
      return gone || leg.held === change.held;
    case 'legs-parted': {
      const from = calls.channels.get(change.from);
      return gone || from === undefined || from.phase === 'hangup' || from.call !== leg.call;
    }
  }
}

/** The call's state now: it may have ended, or (a transfer) live on without the actor's leg. */
function stateNow(calls: CallState | undefined, before: Call, uuid: string): CallProgress | 'ended' {
  if (calls === undefined) return 'ended';
  const call = callOf(calls, uuid) ?? (calls.calls.get(before.id) === before ? before : undefined);
  if (call === undefined || call.legs.length === 0) return 'ended';
  return callProgress(call);
}
