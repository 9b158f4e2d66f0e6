// Finding one conference or call across every node, with the one rule for answers that depend on a
// node not in sync: "not running" / "no such call" is only said when every node is in sync; otherwise
// the answer is `unknown`, which readers turn into a 503, never a stale 404 or 406. Without any node
// nothing can run.
import type { Call, CallState } from './calls.js';
import type { LiveConference } from './conferences.js';
import type { LiveState, NodeState } from './node-state.js';

export type ConferenceLookup =
  | { found: 'running'; nodeId: string; conference: LiveConference }
  | { found: 'absent' }
  | { found: 'unknown' };

export function lookUpConference(live: LiveState, name: string): ConferenceLookup {
  const running = live.conference(name);
  if (running !== undefined)
    return running.available
      ? { found: 'running', nodeId: running.nodeId, conference: running.conference }
      : { found: 'unknown' };
  if (live.conferenceNode(name) !== undefined || !allNodesSynced(live)) return { found: 'unknown' };
  return { found: 'absent' };
}

export type CallLookup =
  { found: 'live'; nodeId: string; call: Call } | { found: 'absent' } | { found: 'unknown' };

/** The call with this id (or with a leg of this uuid) on any node. */
export function lookUpCall(live: LiveState, uuid: string): CallLookup {
  let unknown = false;
  for (const nodeId of live.nodeIds()) {
    const node = live.node(nodeId);
    if (node === undefined) continue;
    if (!node.synced) {
      unknown = true;
      continue;
    }
    const call = callOf(node.calls, uuid);
    if (call !== undefined && call.legs.length > 0) return { found: 'live', nodeId, call };
  }
  return unknown ? { found: 'unknown' } : { found: 'absent' };
}

/** The call with this id, or the call a leg of this uuid belongs to. */
export const callOf = (calls: CallState, uuid: string): Call | undefined =>
  calls.calls.get(uuid) ?? calls.channels.get(uuid)?.call;

function allNodesSynced(live: LiveState): boolean {
  return live.nodeIds().every((id) => live.node(id)?.synced === true);
}

/** Every node's state split by whether it can be read now: the synced ones, and the ids of the rest. */
export function nodesBySync(live: LiveState): { synced: NodeState[]; unavailable: string[] } {
  const synced: NodeState[] = [];
  const unavailable: string[] = [];
  for (const nodeId of live.nodeIds()) {
    const node = live.node(nodeId);
    if (node?.synced === true) synced.push(node);
    else unavailable.push(nodeId);
  }
  return { synced, unavailable };
}
