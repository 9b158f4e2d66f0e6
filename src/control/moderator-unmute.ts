// Moderators are never muted on entry. Hosts join unmuted by their flags (dialplan.ts, the outcall
// flags of invited legs), but a guest who keys the moderator PIN cannot: mod_conference fixes a
// member's flags, mute included, before it asks for the PIN, and the PIN only adds the moderator flag
// afterwards (mod_conference.c conference_function: flags from `+flags{}` and conference_member_flags
// first, `validate_pin` sets mpin_matched, then the member's mute is decided from those flags and
// mpin_matched only sets MFLAG_MOD). So when a member joins one of the daemon's conferences as a
// moderator that cannot speak (add-member with Member-Type moderator, Speak false: the live state's
// member-joined record and that member's flags), the daemon unmutes it quietly.
import type { Logger } from '../log.js';
import type { StateChange } from '../state/changes.js';
import type { ConferenceState } from '../state/conferences.js';
import type { LiveState } from '../state/node-state.js';
import type { Store } from '../store/store.js';
import type { ConferenceCommands } from './conference-commands.js';

export interface MutedModerator {
  conference: string;
  memberId: number;
}

/** The moderator `change` shows joining muted, if it does, read from the node's live conferences. Pure. */
export function mutedModeratorJoining(
  conferences: ConferenceState | undefined,
  change: StateChange,
): MutedModerator | undefined {
  if (change.kind !== 'member' || change.how !== 'joined') return undefined;
  const member = conferences?.conferences.get(change.conference)?.members.get(change.member);
  if (member === undefined || !member.moderator || member.canSpeak) return undefined;
  return { conference: change.conference, memberId: member.id };
}

export interface ModeratorUnmuteDeps {
  live: Pick<LiveState, 'node'>;
  store: Pick<Store, 'getConference'>;
  /** Runs the unmute: the table's `unmute` row, quiet (no sound to the member). */
  conferences: Pick<ConferenceCommands, 'runOwn'>;
  logger: Logger;
}

export class ModeratorUnmuter {
  private pending: Promise<void> = Promise.resolve();
  private readonly log: Logger;

  constructor(private readonly deps: ModeratorUnmuteDeps) {
    this.log = deps.logger.child({ part: 'moderator-unmute' });
  }

  /** A listener for the live state's change feed (`live.changes.subscribe(unmuter.onChanges)`). */
  readonly onChanges = (nodeId: string, changes: readonly StateChange[]): void => {
    for (const change of changes) {
      const found = mutedModeratorJoining(this.deps.live.node(nodeId)?.conferences, change);
      if (found !== undefined) this.pending = this.pending.then(() => this.unmute(found));
    }
  };

  /** Resolves when every unmute seen so far has been sent (or given up). */
  settled(): Promise<void> {
    return this.pending;
  }

  private async unmute({ conference, memberId }: MutedModerator): Promise<void> {
    // only the daemon's own conferences: someone else's may mute moderators on purpose
    if ((await this.deps.store.getConference(conference)) === undefined) return;
    try {
      const unmute = { name: 'unmute', target: memberId, quiet: true } as const;
      const done = await this.deps.conferences.runOwn(conference, unmute);
      if (done.outcome === 'not-running') return; // it ended meanwhile
      if (done.outcome === 'node-unavailable') {
        this.log.warn(
          { conference, member: memberId, node: done.nodeId },
          'moderator not unmuted: node not in sync',
        );
        return;
      }
      if (done.status !== 200)
        this.log.info({ conference, member: memberId, reply: done.reply }, 'moderator left before unmute');
      else this.log.info({ conference, member: memberId }, 'moderator joined muted: unmuted');
    } catch (err) {
      this.log.warn(
        { conference, member: memberId, err: (err as Error).message },
        'could not unmute a moderator',
      );
    }
  }
}
