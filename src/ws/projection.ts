// What the stream has published, and the deltas that bring it up to the live state. No I/O.
//
// The live state's change records (state/changes.ts) say which conference, member or call changed, but
// not what it looked like before (a member that left is gone, a call that ended is no longer filed
// under its users), and a client sees views, not state. So the projection keeps the last published view
// of every conference and call and diffs only the entities the records name against the live state:
// O(1) views per change, the whole node only on a resync. Diffing (rather than translating the records)
// also makes a resync after a lost connection produce exactly the deltas that happened meanwhile, and
// never reports a change the views do not show. Conferences are diffed here, calls in call-projection.ts.
import type { StateChange } from '../state/changes.js';
import type { LiveConference } from '../state/conferences.js';
import type { LiveState } from '../state/node-state.js';
import { CallProjection, type PublishedCall } from './call-projection.js';
import type { ConferenceView, MemberView, StreamMessage } from './protocol.js';
import type { Change } from './stream-change.js';
import { floorHolder, memberView, sameMember, type ConferenceAccess, type Directory } from './views.js';

interface ProjectedConference {
  node: string;
  locked: boolean;
  recording: boolean;
  floor: number | null;
  /** By member id, in join order. */
  members: Map<number, MemberView>;
}

export class StreamProjection {
  private readonly conferences = new Map<string, ProjectedConference>();
  private readonly calls: CallProjection;
  /** Nodes announced as unavailable (all nodes start so: nothing is synced before the first snapshot). */
  private readonly unavailable = new Set<string>();

  constructor(
    private readonly live: LiveState,
    private readonly directory: Directory,
  ) {
    this.calls = new CallProjection(live);
    for (const nodeId of live.nodeIds()) if (live.node(nodeId)?.synced !== true) this.unavailable.add(nodeId);
  }

  /** Deltas for what the live state of a node has just changed (as its change feed reports it). */
  applyChanges(nodeId: string, records: readonly StateChange[]): Change[] {
    const changes: Change[] = [];
    for (const record of records) {
      switch (record.kind) {
        case 'member':
          this.diffConference(record.conference, record.member, changes);
          break;
        case 'conference':
        case 'recording':
          this.diffConference(record.conference, undefined, changes);
          break;
        case 'channel':
          this.calls.applyChange(nodeId, record, changes);
          break;
        case 'node':
          changes.push(...this.resyncNode(nodeId));
          break;
      }
    }
    return changes;
  }

  /** Deltas after a node was resynced from a snapshot, or lost its connection. */
  resyncNode(nodeId: string): Change[] {
    const changes: Change[] = [];
    const node = this.live.node(nodeId);
    if (node === undefined || !node.synced) {
      // Keep what was published: the resync that follows diffs against it.
      if (!this.unavailable.has(nodeId)) {
        this.unavailable.add(nodeId);
        changes.push({ kind: 'node', message: { type: 'node.unavailable', node: nodeId } });
      }
      return changes;
    }
    const names = new Set(node.conferences.conferences.keys());
    for (const [name, published] of this.conferences) if (published.node === nodeId) names.add(name);
    for (const name of names) this.diffConference(name, undefined, changes);
    this.calls.resyncNode(nodeId, changes);
    if (this.unavailable.delete(nodeId))
      changes.push({ kind: 'node', message: { type: 'node.available', node: nodeId } });
    return changes;
  }

  /** A stored conference was created, changed or deleted: who may see it may have changed. */
  accessChanged(name: string, before: ConferenceAccess | undefined): Change[] {
    const changes: Change[] = [];
    const after = this.directory.conference(name);
    const wasPublished = this.conferences.has(name);
    // Publish (or forget) the conference itself; viewers are told through the access change below.
    this.diffConference(name, undefined, []);
    if (!wasPublished && !this.conferences.has(name)) return changes;
    changes.push({
      kind: 'access',
      before: wasPublished ? before : undefined,
      after,
      view: this.conferenceView(name),
    });
    return changes;
  }

  unavailableNodes(): string[] {
    return [...this.unavailable];
  }

  /** Published conferences with their access, for snapshots. */
  *publishedConferences(): Generator<{ access: ConferenceAccess; view: ConferenceView }> {
    for (const name of this.conferences.keys()) {
      const access = this.directory.conference(name);
      const view = this.conferenceView(name);
      if (access !== undefined && view !== undefined) yield { access, view };
    }
  }

  /** Published calls, for snapshots. */
  publishedCalls(): Iterable<PublishedCall> {
    return this.calls.published();
  }

  conferenceView(name: string): ConferenceView | undefined {
    const published = this.conferences.get(name);
    const access = this.directory.conference(name);
    if (published === undefined || access === undefined) return undefined;
    return {
      name,
      node: published.node,
      extension: access.extension,
      description: access.description,
      locked: published.locked,
      recording: published.recording,
      floor: published.floor,
      members: [...published.members.values()],
    };
  }

  // ---- conferences ----

  /** Diffs one conference (one member of it when the event names one) against the live state. */
  private diffConference(name: string, memberId: number | undefined, out: Change[]): void {
    // Only stored conferences can be read over REST; others are never published.
    const access = this.directory.conference(name);
    const found = access === undefined ? undefined : this.live.conference(name);
    if (found !== undefined && !found.available) return; // its node's resync will catch up
    const published = this.conferences.get(name);
    const emit = (message: StreamMessage) => out.push({ kind: 'conference', name, message });

    if (found === undefined || access === undefined) {
      if (published === undefined) return;
      this.conferences.delete(name);
      emit({ type: 'conference.ended', conference: name });
      return;
    }
    const live = found.conference;
    if (published === undefined || published.node !== found.nodeId) {
      if (published !== undefined) emit({ type: 'conference.ended', conference: name });
      this.conferences.set(name, this.publish(found.nodeId, live));
      const view = this.conferenceView(name);
      if (view !== undefined) emit({ type: 'conference.started', conference: view });
      return;
    }

    if (published.locked !== live.locked) {
      published.locked = live.locked;
      emit({ type: live.locked ? 'conference.locked' : 'conference.unlocked', conference: name });
    }
    const recording = live.recordings.length > 0;
    if (published.recording !== recording) {
      published.recording = recording;
      emit({
        type: recording ? 'conference.recording-started' : 'conference.recording-stopped',
        conference: name,
      });
    }
    if (memberId !== undefined) this.diffMember(name, published, live, memberId, emit);
    else {
      const ids = new Set([...published.members.keys(), ...live.members.keys()]);
      for (const memberIdToCheck of ids) this.diffMember(name, published, live, memberIdToCheck, emit);
    }
    const floor = floorHolder(live);
    if (published.floor !== floor) {
      published.floor = floor;
      emit({ type: 'conference.floor', conference: name, member: floor });
    }
  }

  private publish(node: string, live: LiveConference): ProjectedConference {
    const members = new Map<number, MemberView>();
    for (const member of live.members.values()) members.set(member.id, memberView(member, this.directory));
    return {
      node,
      locked: live.locked,
      recording: live.recordings.length > 0,
      floor: floorHolder(live),
      members,
    };
  }

  private diffMember(
    conference: string,
    published: ProjectedConference,
    live: LiveConference,
    memberId: number,
    emit: (message: StreamMessage) => void,
  ): void {
    const member = live.members.get(memberId);
    const old = published.members.get(memberId);
    if (member === undefined) {
      if (old === undefined) return;
      published.members.delete(memberId);
      emit({ type: 'member.left', conference, member: old });
      return;
    }
    const view = memberView(member, this.directory);
    if (old === undefined) {
      published.members.set(memberId, view);
      emit({ type: 'member.joined', conference, member: view });
      return;
    }
    if (sameMember(old, view)) return;
    published.members.set(memberId, view);
    let told = false;
    if (old.canSpeak !== view.canSpeak) {
      emit({ type: view.canSpeak ? 'member.unmuted' : 'member.muted', conference, member: view });
      told = true;
    }
    if (old.canHear !== view.canHear) {
      emit({ type: view.canHear ? 'member.undeafened' : 'member.deafened', conference, member: view });
      told = true;
    }
    if (old.talking !== view.talking) {
      const type = view.talking ? 'member.talking-started' : 'member.talking-stopped';
      emit({ type, conference, member: view });
      told = true;
    }
    // Volumes, energy, moderator, name: no event of their own.
    const others = { ...view, canSpeak: old.canSpeak, canHear: old.canHear, talking: old.talking };
    if (!told || !sameMember(old, others)) emit({ type: 'member.updated', conference, member: view });
  }
}
