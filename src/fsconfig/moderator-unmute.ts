// Moderators are never muted on entry. Hosts join unmuted by their flags (dialplan.ts, the outcall
// flags of invited legs), but a guest who keys the moderator PIN cannot: mod_conference fixes a
// member's flags, mute included, before it asks for the PIN, and the PIN only adds the moderator flag
// afterwards (mod_conference.c conference_function: flags from `+flags{}` and conference_member_flags
// first, `validate_pin` sets mpin_matched, then the member's mute is decided from those flags and
// mpin_matched only sets MFLAG_MOD). So when FreeSWITCH reports a moderator joining one of the daemon's
// conferences muted (add-member, Member-Type moderator, Speak false), the daemon unmutes it quietly.
import { toEslLine } from '../domain/esl-line.js';
import type { EslEvent } from '../esl/events.js';
import type { EslPool } from '../esl/pool.js';
import type { Logger } from '../log.js';
import { CONFERENCE_SUBCLASS } from '../state/conferences.js';
import type { Store } from '../store/store.js';

export interface MutedModerator {
  conference: string;
  memberId: string;
}

/** The moderator `event` shows joining muted, if it does. Pure. */
export function mutedModeratorJoining(event: EslEvent): MutedModerator | undefined {
  if (event.name !== 'CUSTOM' || event.subclass !== CONFERENCE_SUBCLASS) return undefined;
  const h = event.headers;
  if (h['Action'] !== 'add-member' || h['Member-Type'] !== 'moderator' || h['Speak'] !== 'false')
    return undefined;
  const conference = h['Conference-Name'];
  const memberId = h['Member-ID'];
  if (conference === undefined || memberId === undefined || !/^[1-9][0-9]{0,9}$/.test(memberId))
    return undefined;
  return { conference, memberId };
}

export interface ModeratorUnmuteDeps {
  store: Pick<Store, 'getConference'>;
  esl: Pick<EslPool, 'get'>;
  logger: Logger;
}

export class ModeratorUnmuter {
  private pending: Promise<void> = Promise.resolve();
  private readonly log: Logger;

  constructor(private readonly deps: ModeratorUnmuteDeps) {
    this.log = deps.logger.child({ part: 'moderator-unmute' });
  }

  /** For NodeSync's onChange: every event applied to a node's live state. */
  readonly onEvent = (nodeId: string, event: EslEvent | 'resync'): void => {
    if (event === 'resync') return;
    const found = mutedModeratorJoining(event);
    if (found === undefined) return;
    this.pending = this.pending.then(() => this.unmute(nodeId, found));
  };

  /** Resolves when every unmute seen so far has been sent (or given up). */
  settled(): Promise<void> {
    return this.pending;
  }

  private async unmute(nodeId: string, { conference, memberId }: MutedModerator): Promise<void> {
    // only the daemon's own conferences: someone else's may mute moderators on purpose
    if ((await this.deps.store.getConference(conference)) === undefined) return;
    const client = this.deps.esl.get(nodeId);
    if (client === undefined) return;
    try {
      const reply = await client.api(toEslLine(['conference', conference, 'unmute', memberId, 'quiet']));
      if (reply.startsWith('-ERR'))
        this.log.info({ conference, member: memberId, reply: reply.trim() }, 'moderator left before unmute');
      else this.log.info({ conference, member: memberId }, 'moderator joined muted: unmuted');
    } catch (err) {
      this.log.warn(
        { conference, member: memberId, err: (err as Error).message },
        'could not unmute a moderator',
      );
    }
  }
}
