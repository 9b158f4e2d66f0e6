// The live state of FreeSWITCH nodes: per node its conferences and calls plus whether they are in
// sync, and across nodes the conference-name → node lookup the command routes use.
//
// Resync (the orchestration lives with the ESL client): subscribe first, then build a fresh node
// state from `show channels as json` + `conference xml_list` (nodeStateFromSnapshot), apply the
// events that arrived meanwhile with applyEvent (the reducers take absolute values from each event,
// so replaying events that the snapshot already reflects converges), then LiveState.replaceNode swaps
// it in as one step. A node that disconnects is marked unavailable at once; readers must answer 503
// for an unsynced node instead of serving its (stale) data.

import type { EslEvent } from '../esl/events.js';
import { decodeJsonEvent } from '../esl/events.js';
import { createCallState } from './calls.js';
import { applyChannelEvent } from './channel-events.js';
import type { Call, CallState, CallStateOptions } from './calls.js';
import { applyConferenceEvent, CONFERENCE_SUBCLASS, createConferenceState } from './conferences.js';
import type { LiveConference, ConferenceState } from './conferences.js';
import { ChangeFeed } from './change-feed.js';
import { NO_CHANGES, type StateChange } from './changes.js';
import {
  callStateFromChannels,
  channelFacts,
  parseConferenceXmlList,
  parseShowChannelsJson,
} from './snapshot.js';
import type { SnapshotResult } from './snapshot.js';
import { UnwantedChannels } from './unwanted-channels.js';

export interface NodeState {
  readonly nodeId: string;
  /** False until built from a snapshot; readers answer 503 for an unsynced node. */
  synced: boolean;
  readonly conferences: ConferenceState;
  readonly calls: CallState;
  /** Fallback clock for events without a usable Event-Date-Timestamp. */
  readonly clock: () => number;
}

export interface NodeStateOptions extends CallStateOptions {
  clock?: () => number;
}

export function createNodeState(nodeId: string, options: NodeStateOptions = {}): NodeState {
  return {
    nodeId,
    synced: false,
    conferences: createConferenceState(),
    calls: createCallState(options),
    clock: options.clock ?? Date.now,
  };
}

/** Dispatches one event to the reducer for it; returns what changed in the node (NO_CHANGES if nothing). */
export function applyEvent(node: NodeState, event: EslEvent): readonly StateChange[] {
  if (event.name === 'CUSTOM') {
    return event.subclass === CONFERENCE_SUBCLASS
      ? applyConferenceEvent(node.conferences, event, node.clock)
      : NO_CHANGES;
  }
  if (event.name.startsWith('CHANNEL_')) return applyChannelEvent(node.calls, event);
  return NO_CHANGES;
}

export interface NodeSnapshot {
  /** Body of the `api show channels as json` reply. */
  channelsJson: string;
  /**
   * Bodies of `api uuid_dump <uuid> json` replies for listed channels: CHANNEL_DATA events with the
   * channel variables `show channels` lacks (the daemon's fsconfd_*, loopback halves, originators,
   * answer times). Replies for channels gone meanwhile (`-ERR No such channel!`) are skipped.
   */
  channelDumps?: readonly string[];
  /** Body of the `api conference xml_list` reply. */
  conferenceXml: string;
  /** Epoch ms the replies were received. */
  now: number;
}

/** A synced node state holding exactly what FreeSWITCH listed. */
export function nodeStateFromSnapshot(
  nodeId: string,
  snapshot: NodeSnapshot,
  options: NodeStateOptions = {},
): SnapshotResult<NodeState> {
  const rows = parseShowChannelsJson(snapshot.channelsJson);
  if (!rows.ok) return rows;
  const facts = new Map(rows.value.map((row) => [row.uuid, channelFacts(row)]));
  const conferences = parseConferenceXmlList(snapshot.conferenceXml, {
    now: snapshot.now,
    channel: (uuid) => facts.get(uuid),
  });
  if (!conferences.ok) return conferences;
  const calls = callStateFromChannels(rows.value, options);
  for (const body of snapshot.channelDumps ?? []) {
    const dump = decodeJsonEvent(body);
    if (dump.ok && dump.event.name === 'CHANNEL_DATA') applyChannelEvent(calls, dump.event);
  }
  return {
    ok: true,
    value: {
      nodeId,
      synced: true,
      conferences: conferences.value,
      calls,
      clock: options.clock ?? Date.now,
    },
  };
}

export interface ConferenceLocation {
  nodeId: string;
  /** False while the node is not in sync: the conference may be gone; answer 503, not 404. */
  available: boolean;
}

export interface UserCalls {
  calls: Array<{ nodeId: string; call: Call }>;
  /** Nodes whose calls could not be included (not in sync). */
  unavailable: string[];
}

/** All nodes' state. Reads are O(1) lookups or proportional to the answer, never scans. */
export class LiveState {
  /** Channels each node's sync hangs up if they show (click-to-calls answered "not placed"). */
  readonly unwanted = new UnwantedChannels();
  private readonly nodes = new Map<string, NodeState>();
  private readonly conferenceNodes = new Map<string, string>();
  /** What changed, per node, as NodeSync applies events and resyncs. */
  readonly changes = new ChangeFeed();

  constructor(private readonly options: NodeStateOptions = {}) {}

  /** Registers a node (unsynced, empty) if unknown; returns its state. */
  addNode(nodeId: string): NodeState {
    let node = this.nodes.get(nodeId);
    if (node === undefined) {
      node = createNodeState(nodeId, this.options);
      this.nodes.set(nodeId, node);
    }
    return node;
  }

  node(nodeId: string): NodeState | undefined {
    return this.nodes.get(nodeId);
  }

  nodeIds(): string[] {
    return [...this.nodes.keys()];
  }

  /**
   * Applies an event from a node (registering the node if new); returns what it changed. Publishing
   * the records on `changes` is the caller's part (NodeSync), once it has done its own bookkeeping.
   */
  apply(nodeId: string, event: EslEvent): readonly StateChange[] {
    const node = this.addNode(nodeId);
    const changes = applyEvent(node, event);
    for (const change of changes)
      if (change.kind === 'conference') this.reindexConference(change.conference, node);
    return changes;
  }

  /** The node lost its connection: its data is reported unavailable at once, until replaceNode. */
  markUnavailable(nodeId: string): void {
    const node = this.nodes.get(nodeId);
    if (node !== undefined) node.synced = false;
  }

  /** Swaps in a freshly synced state for its node in one step. */
  replaceNode(fresh: NodeState): void {
    const old = this.nodes.get(fresh.nodeId);
    this.nodes.set(fresh.nodeId, fresh);
    if (old !== undefined) {
      for (const name of old.conferences.conferences.keys()) this.reindexConference(name, fresh);
    }
    for (const name of fresh.conferences.conferences.keys()) this.reindexConference(name, fresh);
  }

  removeNode(nodeId: string): void {
    const old = this.nodes.get(nodeId);
    if (old === undefined) return;
    this.nodes.delete(nodeId);
    for (const name of old.conferences.conferences.keys()) {
      if (this.conferenceNodes.get(name) === nodeId) this.relocate(name);
    }
  }

  /** Which node hosts a conference (for routing commands), and whether that node is in sync. */
  conferenceNode(name: string): ConferenceLocation | undefined {
    const nodeId = this.conferenceNodes.get(name);
    if (nodeId === undefined) return undefined;
    return { nodeId, available: this.nodes.get(nodeId)?.synced === true };
  }

  /** The conference with its node; undefined when no node hosts it. */
  conference(name: string): { nodeId: string; available: boolean; conference: LiveConference } | undefined {
    const location = this.conferenceNode(name);
    const conference = location && this.nodes.get(location.nodeId)?.conferences.conferences.get(name);
    return location && conference ? { ...location, conference } : undefined;
  }

  /** A user's calls on every synced node, with the nodes that could not answer. */
  callsForUser(user: string): UserCalls {
    const result: UserCalls = { calls: [], unavailable: [] };
    for (const node of this.nodes.values()) {
      if (!node.synced) {
        result.unavailable.push(node.nodeId);
        continue;
      }
      const calls = node.calls.byUser.get(user);
      if (calls !== undefined) for (const call of calls) result.calls.push({ nodeId: node.nodeId, call });
    }
    return result;
  }

  /** Keeps the name → node entry right after `node` created, changed or dropped that conference. */
  private reindexConference(name: string, node: NodeState): void {
    if (node.conferences.conferences.has(name)) this.conferenceNodes.set(name, node.nodeId);
    else if (this.conferenceNodes.get(name) === node.nodeId) this.relocate(name);
  }

  /** The indexed node no longer hosts the conference: point at another node that does, if any. */
  private relocate(name: string): void {
    this.conferenceNodes.delete(name);
    for (const node of this.nodes.values()) {
      if (node.conferences.conferences.has(name)) {
        this.conferenceNodes.set(name, node.nodeId);
        return;
      }
    }
  }
}
