import { afterEach, describe, expect, it } from 'vitest';
import { EslClient } from '../../src/esl/client.js';
import type { EslNodeConfig } from '../../src/esl/client-types.js';
import { EslPool } from '../../src/esl/pool.js';
import { captureLogger, FakeEslServer } from '../helpers/fake-esl-server.js';
import { eventually } from '../helpers/eventually.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe('EslPool', () => {
  it('gives every node its own client and routes requests to the right node', async () => {
    const servers = await Promise.all([FakeEslServer.start(), FakeEslServer.start()]);
    for (const s of servers) cleanup.push(() => s.close());
    servers.forEach((s, i) => (s.onApi = (cmd) => `node ${i} says ${cmd}\n`));
    const nodes: EslNodeConfig[] = servers.map((s) => ({
      id: `127.0.0.1:${s.port}`,
      host: '127.0.0.1',
      port: s.port,
      password: 'ClueCon',
    }));
    const { logger } = captureLogger();
    const pool = new EslPool(
      nodes,
      (node) => new EslClient({ node, logger, requestTimeoutMs: 1000, events: ['CHANNEL_CREATE'] }),
    );
    cleanup.push(() => pool.stop());
    expect(pool.all().map((c) => c.nodeId)).toEqual(nodes.map((n) => n.id));
    expect(pool.get('nowhere:1')).toBeUndefined();
    pool.start();
    await eventually(() => pool.all().every((c) => c.state === 'connected'), 3000, 'both connected');
    await expect(pool.get(nodes[1]!.id)!.api('status')).resolves.toBe('node 1 says status\n');
    await expect(pool.get(nodes[0]!.id)!.api('status')).resolves.toBe('node 0 says status\n');
    await pool.stop();
    expect(pool.all().map((c) => c.state)).toEqual(['disconnected', 'disconnected']);
  });

  it('refuses a node listed twice', () => {
    const node = { id: 'a:1', host: 'a', port: 1, password: 'p' };
    const { logger } = captureLogger();
    expect(
      () =>
        new EslPool([node, node], (n) => new EslClient({ node: n, logger, requestTimeoutMs: 1, events: [] })),
    ).toThrow(/listed twice/);
  });
});
