// Settings FreeSWITCH can change in a running conference, applied at once when they are saved (through
// /my/conferences, the admin API, anything that commits to the store): the participant PIN, max
// members, and the lock (a disabled conference is locked, re-enabling unlocks it). The moderator PIN
// needs no command: it goes with each call (fsconfig/dialplan.ts), and FreeSWITCH could not remove one
// anyway. Everything else reaches FreeSWITCH through the configuration it fetches: the dialplan for
// the next caller, the profile for the next time the conference starts.
// The commands are rows of the command table (lock, unlock, pin, nopin, and the daemon's own `set`),
// run by ConferenceCommands.runOwn like any other.
// With several daemons on the same FreeSWITCH nodes, only the daemon that saved the change sends the
// commands (a `remote` change, made through another daemon, is left to that one), so each command
// reaches FreeSWITCH once.
import type { TypedCommand } from '../domain/command-types.js';
import type { Conference } from '../domain/conferences.js';
import type { Logger } from '../log.js';
import type { Store, StoreChange } from '../store/store.js';
import type { ConferenceCommands } from './conference-commands.js';

/** The commands that bring a running conference from `before` to `after`, in the order sent. Pure. */
export function liveSettingCommands(before: Conference, after: Conference): TypedCommand[] {
  const out: TypedCommand[] = [];
  if (before.enabled !== after.enabled) out.push({ name: after.enabled ? 'unlock' : 'lock' });
  if (before.accessCode !== after.accessCode)
    out.push(after.accessCode === '' ? { name: 'nopin' } : { name: 'pin', pin: after.accessCode });
  // mod_conference cannot express a limit of 1 (see fsconfig/conference-profile.ts); 0 lifts the limit.
  if (before.maxMembers !== after.maxMembers && after.maxMembers !== 1)
    out.push({ name: 'set', parameter: 'max_members', value: after.maxMembers });
  return out;
}

export interface LiveSettingsDeps {
  conferences: Pick<ConferenceCommands, 'runOwn'>;
  logger: Logger;
}

export class LiveSettingsApplier {
  private pending: Promise<void> = Promise.resolve();
  private readonly log: Logger;

  constructor(private readonly deps: LiveSettingsDeps) {
    this.log = deps.logger.child({ part: 'live-settings' });
  }

  /** Applies every committed conference change from now on; returns the unsubscribe function. */
  listen(store: Pick<Store, 'subscribe'>): () => void {
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

  private async apply(name: string, commands: readonly TypedCommand[]): Promise<void> {
    for (const cmd of commands) {
      const log = { conference: name, command: cmd.name };
      try {
        const done = await this.deps.conferences.runOwn(name, cmd);
        if (done.outcome === 'not-running') return; // it will start with the new profile
        if (done.outcome === 'node-unavailable') {
          this.log.warn({ ...log, node: done.nodeId }, 'settings not applied live: node not in sync');
          return;
        }
        if (done.status !== 200)
          this.log.warn({ ...log, reply: done.reply }, 'FreeSWITCH refused a live setting');
        else this.log.info(log, 'setting applied live');
      } catch (err) {
        this.log.warn({ ...log, err: (err as Error).message }, 'live setting not applied');
      }
    }
  }
}
