// The calls half of the stream's projection (projection.ts): the last published view of every live
// call per node, and the call deltas that bring it up to the live state. No I/O.
import { isLive } from '../state/active-cdr.js';
import type { Call } from '../state/calls.js';
import type { ChannelChange } from '../state/changes.js';
import type { LiveState } from '../state/node-state.js';
import type { AdminCallView, CallEventType } from './protocol.js';
import type { Change } from './stream-change.js';
import { adminCallView, originUser } from './views.js';

export interface PublishedCall {
  /** The users filed under it (who may see it, as /my/activecdrs). */
  users: readonly string[];
  /** The user who started it (OUTGOING for them). */
  origin: string | undefined;
  view: AdminCallView;
}

interface ProjectedCall extends PublishedCall {
  /** The serialized view: an unchanged call publishes nothing. */
  signature: string;
}

interface ProjectedNode {
  calls: Map<string, ProjectedCall>;
  /** Channel uuid → id of the published call it belongs to. */
  channels: Map<string, string>;
}

export class CallProjection {
  private readonly nodes = new Map<string, ProjectedNode>();

  constructor(private readonly live: LiveState) {}

  /** Call deltas for a channel the live state has just changed: every call the change touched. */
  applyChange(nodeId: string, change: ChannelChange, out: Change[]): void {
    const published = this.node(nodeId).channels.get(change.channel);
    if (published !== undefined && !change.calls.includes(published)) this.diffCall(nodeId, published, out);
    for (const callId of change.calls) this.diffCall(nodeId, callId, out);
  }

  /** Call deltas after the node was resynced: every call published or live on it. */
  resyncNode(nodeId: string, out: Change[]): void {
    const callIds = new Set(this.live.node(nodeId)?.calls.calls.keys());
    for (const callId of this.node(nodeId).calls.keys()) callIds.add(callId);
    for (const callId of callIds) this.diffCall(nodeId, callId, out);
  }

  *published(): Generator<PublishedCall> {
    for (const node of this.nodes.values()) yield* node.calls.values();
  }

  private node(nodeId: string): ProjectedNode {
    let node = this.nodes.get(nodeId);
    if (node === undefined) this.nodes.set(nodeId, (node = { calls: new Map(), channels: new Map() }));
    return node;
  }

  private diffCall(nodeId: string, callId: string, out: Change[]): void {
    const published = this.node(nodeId);
    const node = this.live.node(nodeId);
    const call: Call | undefined = node?.calls.calls.get(callId);
    const old = published.calls.get(callId);
    if (call === undefined || !isLive(call)) {
      if (old === undefined) return;
      this.unindexCall(published, callId, old);
      published.calls.delete(callId);
      out.push({
        kind: 'call',
        before: old.users,
        after: null,
        type: 'call.ended',
        view: old.view,
        origin: old.origin,
      });
      return;
    }
    const view = adminCallView(nodeId, call);
    const signature = JSON.stringify(view);
    const users = [...call.users];
    if (old !== undefined && old.signature === signature && sameList(old.users, users)) return;
    const type: CallEventType =
      old === undefined
        ? 'call.created'
        : old.view.state === view.state
          ? 'call.updated'
          : old.view.state === 'held' && view.state !== 'ending'
            ? 'call.resumed'
            : `call.${view.state}`;
    if (old !== undefined) this.unindexCall(published, callId, old);
    const next: ProjectedCall = { users, origin: originUser(call), view, signature };
    published.calls.set(callId, next);
    for (const leg of view.legs) published.channels.set(leg.uuid, callId);
    out.push({ kind: 'call', before: old?.users ?? null, after: users, type, view, origin: next.origin });
  }

  private unindexCall(published: ProjectedNode, callId: string, old: ProjectedCall): void {
    for (const leg of old.view.legs)
      if (published.channels.get(leg.uuid) === callId) published.channels.delete(leg.uuid);
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
