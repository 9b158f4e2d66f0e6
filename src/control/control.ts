// The application layer in one object: everything the API asks of FreeSWITCH goes through here, built
// once per daemon over the live state and the node pool. Reads of live state do not: they go to
// state/ directly.
import type { DialPolicy } from '../domain/dial-policy.js';
import type { EslPool } from '../esl/pool.js';
import type { Logger } from '../log.js';
import type { LiveState } from '../state/node-state.js';
import type { Store } from '../store/store.js';
import { CallController } from './call-control.js';
import { ClickToCall } from './click-to-call.js';
import type { CommandSettings } from './command-context.js';
import { endConference } from './conference-end.js';
import { ConferenceCommands } from './conference-commands.js';
import { FreeswitchNodes } from './freeswitch-nodes.js';
import { LiveSettingsApplier } from './live-settings.js';
import { ModeratorUnmuter } from './moderator-unmute.js';
import { RecordingLedger } from './recording-ledger.js';
import { RecordingLibrary } from './recordings.js';
import { SipDomainResolver } from './sip-domain.js';
import { UnwantedCallHangup } from './unwanted-calls.js';

export interface ControlSettings extends CommandSettings {
  /** FS_DOMAIN; undefined: FreeSWITCH's own `domain` variable, per node. */
  fsDomain: string | undefined;
  originateTimeoutS: number;
  dialPolicy: DialPolicy;
}

export interface ControlDeps {
  live: LiveState;
  pool: EslPool;
  store: Store;
  logger: Logger;
  settings: ControlSettings;
}

export class Control {
  readonly nodes: FreeswitchNodes;
  readonly conferences: ConferenceCommands;
  readonly clickToCall: ClickToCall;
  readonly calls: CallController;
  /** The SIP domain per node (FS_DOMAIN, else asked of FreeSWITCH once per connection). */
  readonly domains: SipDomainResolver;
  /** A conference's recordings in RECORDINGS_DIR. */
  readonly recordings: RecordingLibrary;
  /** Applies saved settings to running conferences (settled() for tests). */
  readonly liveSettings: LiveSettingsApplier;
  /** Unmutes moderators that join muted (settled() for tests). */
  readonly moderatorUnmuter: ModeratorUnmuter;
  private readonly unwantedCalls: UnwantedCallHangup;
  private readonly ledger: RecordingLedger;
  private readonly timeoutMs: number;

  constructor(deps: ControlDeps) {
    const { settings, logger } = deps;
    const nodes = (this.nodes = new FreeswitchNodes(deps.live, deps.pool));
    const domains = (this.domains = new SipDomainResolver(settings.fsDomain, nodes, logger));
    const ledger = (this.ledger = new RecordingLedger(settings.recordingsDir));
    this.recordings = new RecordingLibrary({
      recordingsDir: settings.recordingsDir,
      ledger,
      running: (name) => deps.live.conference(name)?.conference.recordings ?? [],
    });
    this.timeoutMs = settings.eslRequestTimeoutMs;
    const conferences = (this.conferences = new ConferenceCommands({
      nodes,
      domains,
      store: deps.store,
      settings,
    }));
    this.liveSettings = new LiveSettingsApplier({ conferences, logger });
    this.moderatorUnmuter = new ModeratorUnmuter({ live: deps.live, store: deps.store, conferences, logger });
    this.unwantedCalls = new UnwantedCallHangup(deps.live, nodes, logger.child({ part: 'unwanted-calls' }));
    this.clickToCall = new ClickToCall({ nodes, domains, settings, logger });
    this.calls = new CallController({
      nodes,
      domains,
      transfer: {
        dialplanContext: settings.dialplanContext,
        sipProfile: settings.sipProfile,
        dialPolicy: settings.dialPolicy,
      },
      logger,
    });
  }

  /**
   * Starts following what control/ acts on by itself: the live state's changes (moderators joining
   * muted, unwanted calls showing up, recordings starting) and saved conference settings. Returns the
   * function that stops following.
   */
  follow(store: Pick<Store, 'subscribe'>): () => void {
    const live = this.nodes.live;
    const stops = [
      live.changes.subscribe(this.moderatorUnmuter.onChanges),
      live.changes.subscribe(this.unwantedCalls.onChanges),
      this.ledger.follow(live),
      this.liveSettings.listen(store),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }

  /** Whether `name` runs on a node in sync; 503 while that cannot be known. */
  isRunning(name: string): boolean {
    return this.nodes.conference(name).found === 'running';
  }

  /** Ends the conference `name` in FreeSWITCH if it runs (503 unknown, 409 FreeSWITCH refused). */
  endConference(name: string): Promise<void> {
    return endConference(this.nodes, name, this.timeoutMs);
  }
}
