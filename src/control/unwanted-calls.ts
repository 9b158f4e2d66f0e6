// Hanging up the calls the daemon promised would not exist (live.unwanted): a click-to-call answered
// "not placed" (504) whose originate FreeSWITCH still ran when it resumed. It follows the live state's
// change feed: a channel with such a uuid showing up in an event, or in the snapshot of a resync, is
// killed, and forgotten once FreeSWITCH confirms.
import type { Logger } from '../log.js';
import type { StateChange } from '../state/changes.js';
import type { LiveState } from '../state/node-state.js';
import type { FreeswitchNodes } from './freeswitch-nodes.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class UnwantedCallHangup {
  /** `node \0 uuid` with a uuid_kill on its way. */
  private readonly killing = new Set<string>();

  constructor(
    private readonly live: Pick<LiveState, 'unwanted' | 'node'>,
    private readonly nodes: Pick<FreeswitchNodes, 'api'>,
    private readonly logger: Logger,
  ) {}

  /** A listener for the live state's change feed. */
  readonly onChanges = (nodeId: string, changes: readonly StateChange[]): void => {
    const { unwanted } = this.live;
    for (const change of changes) {
      if (change.kind === 'channel' && change.how !== 'ended' && unwanted.has(nodeId, change.channel))
        this.hangUp(nodeId, change.channel);
      else if (change.kind === 'node' && change.how === 'synced') {
        const channels = this.live.node(nodeId)?.calls.channels;
        for (const uuid of unwanted.synced(nodeId)) if (channels?.has(uuid)) this.hangUp(nodeId, uuid);
      }
    }
  };

  private hangUp(nodeId: string, uuid: string): void {
    const key = `${nodeId}\0${uuid}`;
    if (this.killing.has(key) || !UUID_RE.test(uuid)) return;
    this.killing.add(key);
    this.nodes.api(nodeId, `uuid_kill ${uuid}`).then(
      (reply) => {
        this.killing.delete(key);
        // `-ERR No such channel!`: it ended by itself meanwhile; either way it no longer lives.
        this.live.unwanted.remove(nodeId, uuid);
        this.logger.warn(
          { node: nodeId, uuid, reply: reply.trim().slice(0, 80) },
          'hung up a call FreeSWITCH started after the daemon had answered that it was not placed',
        );
      },
      (err: unknown) => {
        this.killing.delete(key); // tried again on the next change or resync
        this.logger.warn({ node: nodeId, uuid, err: (err as Error).message }, 'uuid_kill failed');
      },
    );
  }
}
