// The SIP domain of the users for dial strings (`user/<name>@<domain>`): FS_DOMAIN when configured,
// else FreeSWITCH's own `domain` global variable, asked once per node connection and cached (a
// reconnect may be a restarted FreeSWITCH with another configuration, so it is asked again then).
import { isSafeHost } from '../domain/dial-policy.js';
import type { Logger } from '../log.js';
import { ControlError, stateUnavailable } from './errors.js';
import type { FreeswitchNodes } from './freeswitch-nodes.js';

interface CachedDomain {
  /** When the node's connection was made when asked: a new connection means a new answer. */
  connectedSince: number;
  domain: Promise<string>;
}

export class SipDomainResolver {
  private readonly cache = new Map<string, CachedDomain>();

  constructor(
    /** FS_DOMAIN: when set, FreeSWITCH is never asked. */
    readonly configured: string | undefined,
    private readonly nodes: FreeswitchNodes,
    private readonly logger: Logger,
  ) {}

  /** The domain for dial strings run on `nodeId`. Throws a ControlError (503) when it cannot be had. */
  async domainFor(nodeId: string): Promise<string> {
    if (this.configured !== undefined) return this.configured;
    const since = this.nodes.connectedSince(nodeId);
    if (since === undefined) throw stateUnavailable();
    const cached = this.cache.get(nodeId);
    if (cached !== undefined && cached.connectedSince === since) return cached.domain;
    const domain = this.nodes.api(nodeId, 'global_getvar domain').then((reply) => {
      const value = reply.trim();
      if (!isSafeHost(value)) {
        this.logger.error({ node: nodeId }, "FreeSWITCH's domain variable is not a usable host name");
        throw new ControlError(503, 'the SIP domain is not known; set FS_DOMAIN');
      }
      return value;
    });
    this.cache.set(nodeId, { connectedSince: since, domain });
    // A failed lookup (ESL error, bad value) is asked again next time.
    domain.catch(() => {
      if (this.cache.get(nodeId)?.domain === domain) this.cache.delete(nodeId);
    });
    return domain;
  }
}
