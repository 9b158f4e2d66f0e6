// One EslClient per FreeSWITCH node (the FS_ESL list), looked up by node id ("host:port").
import type { EslClient } from './client.js';
import type { EslNodeConfig } from './client-types.js';

export class EslPool {
  private readonly clients = new Map<string, EslClient>();

  constructor(nodes: readonly EslNodeConfig[], make: (node: EslNodeConfig) => EslClient) {
    for (const node of nodes) {
      if (this.clients.has(node.id)) throw new Error(`ESL node ${node.id} is listed twice`);
      this.clients.set(node.id, make(node));
    }
  }

  /** The client of one node, or undefined for an unknown id. */
  get(nodeId: string): EslClient | undefined {
    return this.clients.get(nodeId);
  }

  /** Every client, in the order the nodes were configured. */
  all(): EslClient[] {
    return [...this.clients.values()];
  }

  start(): void {
    for (const client of this.clients.values()) client.start();
  }

  /** Stops every client; resolves when all connections are closed. */
  async stop(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.stop()));
  }
}
