// The SIP domain of the users for dial strings (`user/<name>@<domain>`): FS_DOMAIN when configured,
// else FreeSWITCH's own `domain` global variable, asked once per node connection and cached (a
// reconnect may be a restarted FreeSWITCH with another configuration, so it is asked again then).
import { isSafeHost } from '../domain/dial-policy.js';
import type { EslPool } from '../esl/pool.js';
import type { Logger } from '../log.js';
import { HttpError, nodeUnavailable } from './errors.js';

interface CachedDomain {
  /** The client's stateSince when asked: a new connection means a new answer. */
  connectedSince: number;
  domain: Promise<string>;
}

export class SipDomainResolver {
  private readonly cache = new Map<string, CachedDomain>();

  constructor(
    private readonly configured: string | undefined,
    private readonly esl: EslPool | undefined,
    private readonly logger: Logger,
  ) {}

  /** The domain for dial strings run on `nodeId`. Throws an HttpError (503) when it cannot be had. */
  async domainFor(nodeId: string): Promise<string> {
    if (this.configured !== undefined) return this.configured;
    const client = this.esl?.get(nodeId);
    if (client === undefined || client.state !== 'connected') throw nodeUnavailable();
    const since = client.stateSince.getTime();
    const cached = this.cache.get(nodeId);
    if (cached !== undefined && cached.connectedSince === since) return cached.domain;
    const domain = client.api('global_getvar domain').then((reply) => {
      const value = reply.trim();
      if (!isSafeHost(value)) {
        this.logger.error({ node: nodeId }, "FreeSWITCH's domain variable is not a usable host name");
        throw new HttpError(503, 'the SIP domain is not known; set FS_DOMAIN');
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
