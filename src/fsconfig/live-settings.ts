// Settings FreeSWITCH can change in a running conference, applied at once when they are saved (through
// /my/conferences, the admin API, anything that commits to the store): the participant PIN, max
// members, and the lock (a disabled conference is locked, re-enabling unlocks it). The moderator PIN
// needs no command: it goes with each call (dialplan.ts), and FreeSWITCH could not remove one anyway.
// Everything else reaches FreeSWITCH through the configuration it fetches: the dialplan for the next
// caller, the profile for the next time the conference starts.
// With several daemons on the same FreeSWITCH nodes, only the daemon that saved the change sends the
// commands (a `remote` change, made through another daemon, is left to that one), so each command
// reaches FreeSWITCH once.
import type { Conference } from '../domain/conferences.js';
import { toEslLine } from '../domain/esl-line.js';
import type { EslPool } from '../esl/pool.js';
import type { Logger } from '../log.js';
import type { LiveState } from '../state/node-state.js';
import type { Store, StoreChange } from '../store/store.js';

/**
 * The `conference <name> ...` arguments that bring a running conference from `before` to `after`, in
 * the order they are sent. Pure.
 */
export function liveSettingCommands(before: Conference, after: Conference): string[][] {
  const out: string[][] = [];
  if (before.enabled !== after.enabled) out.push([after.enabled ? 'unlock' : 'lock']);
  if (before.accessCode !== after.accessCode)
    out.push(after.accessCode === '' ? ['nopin'] : ['pin', after.accessCode]);
  // mod_conference cannot express a limit of 1 (see conference-profile.ts); 0 lifts the limit.
  if (before.maxMembers !== after.maxMembers && after.maxMembers !== 1)
    out.push(['set', 'max_members', String(after.maxMembers)]);
  return out;
}

export interface LiveSettingsDeps {
  live: LiveState;
  esl: EslPool;
  logger: Logger;
}

export class LiveSettingsApplier {
  private pending: Promise<void> = Promise.resolve();
  private readonly log: Logger;

  constructor(private readonly deps: LiveSettingsDeps) {
    this.log = deps.logger.child({ part: 'live-settings' });
  }

  /** Applies every committed conference change from now on; returns the unsubscribe function. */
  listen(store: Store): () => void {
    return store.subscribe((change) => this.onChange(change));
  }

  onChange(change: StoreChange): void {
    if (change.kind !== 'conference' || change.action !== 'updated' || change.remote) return;
    const { before, after } = change;
    if (before === undefined || after === undefined) return;
    const commands = liveSettingCommands(before, after);
    if (commands.length === 0) return;
    // One change at a time, in commit order, so two quick saves reach FreeSWITCH in the order made.
    this.pending = this.pending.then(() => this.apply(after.name, commands));
  }

  /** Resolves when every change seen so far has been sent (or given up). */
  settled(): Promise<void> {
    return this.pending;
  }

  private async apply(name: string, commands: string[][]): Promise<void> {
    const location = this.deps.live.conferenceNode(name);
    if (location === undefined) return; // not running: it will start with the new profile
    const client = this.deps.esl.get(location.nodeId);
    if (client === undefined || !location.available) {
      this.log.warn(
        { conference: name, node: location.nodeId },
        'settings not applied live: node not in sync',
      );
      return;
    }
    for (const args of commands) {
      try {
        const reply = await client.api(toEslLine(['conference', name, ...args]));
        if (reply.startsWith('-ERR'))
          this.log.warn(
            { conference: name, command: args[0], reply: reply.trim() },
            'FreeSWITCH refused a live setting',
          );
        else this.log.info({ conference: name, command: args[0] }, 'setting applied live');
      } catch (err) {
        this.log.warn(
          { conference: name, command: args[0], err: (err as Error).message },
          'live setting not applied',
        );
      }
    }
  }
}
