// Where a stored conference is running, for the details and command routes: on which node, or not
// at all. A node that is not in sync may be hosting it, so "not running" is only said when every node
// is in sync; otherwise the answer is 503 (nodeUnavailable), never a stale 404/406.
import type { EslPool } from '../esl/pool.js';
import type { Conference as LiveConference } from '../state/conferences.js';
import type { LiveState } from '../state/node-state.js';
import { nodeUnavailable } from './errors.js';

export type LiveLookup = { running: true; nodeId: string; conference: LiveConference } | { running: false };

/** Throws nodeUnavailable() when the answer depends on a node that is not in sync. */
export function findLiveConference(live: LiveState | undefined, name: string): LiveLookup {
  if (live === undefined) throw nodeUnavailable();
  const found = live.conference(name);
  if (found !== undefined) {
    if (!found.available) throw nodeUnavailable();
    return { running: true, nodeId: found.nodeId, conference: found.conference };
  }
  if (live.conferenceNode(name) !== undefined) throw nodeUnavailable();
  for (const nodeId of live.nodeIds()) if (live.node(nodeId)?.synced !== true) throw nodeUnavailable();
  if (live.nodeIds().length === 0) throw nodeUnavailable();
  return { running: false };
}

/**
 * The node a conference that is not running yet is started on (dial/invite): the first configured node
 * that is connected and in sync.
 */
export function nodeToStartOn(live: LiveState | undefined, esl: EslPool | undefined): string {
  for (const client of esl?.all() ?? []) {
    if (client.state === 'connected' && live?.node(client.nodeId)?.synced === true) return client.nodeId;
  }
  throw nodeUnavailable();
}
