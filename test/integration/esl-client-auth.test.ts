// A wrong ESL password: EslAuthError surfaced, state disconnected, retried with backoff, logged
// once per streak, and the password never logged.
import { afterEach, describe, expect, it } from 'vitest';
import { EslClient } from '../../src/esl/client.js';
import { EslAuthError, EslNotConnectedError } from '../../src/esl/errors.js';
import { captureLogger, FakeEslServer } from '../helpers/fake-esl-server.js';
import { eventually } from '../helpers/eventually.js';

const PASSWORD = 'Pw-7fe3c91b';
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe('EslClient authentication', () => {
  it('surfaces EslAuthError, stays disconnected, retries with backoff, logs once per streak', async () => {
    const server = await FakeEslServer.start({ password: 'something-else' });
    cleanup.push(() => server.close());
    const log = captureLogger('trace');
    const client = new EslClient({
      node: { id: `127.0.0.1:${server.port}`, host: '127.0.0.1', port: server.port, password: PASSWORD },
      logger: log.logger,
      requestTimeoutMs: 1000,
      events: ['CHANNEL_CREATE'],
      backoff: { initialMs: 50, maxMs: 800 },
    });
    cleanup.push(() => client.stop());
    const reasons: string[] = [];
    client.on('disconnected', (r) => void reasons.push(r));
    client.start();
    await eventually(() => client.stats.authFailures >= 5, 3000, 'five rejected attempts');
    expect(client.state).not.toBe('connected');
    expect(client.lastError).toBeInstanceOf(EslAuthError);
    expect(client.lastError?.message).toContain('-ERR invalid');
    expect(reasons.slice(0, 4)).toEqual(Array(4).fill('authentication failed'));
    const err = await client.api('status').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EslNotConnectedError);
    expect((err as Error).cause).toBeInstanceOf(EslAuthError);
    // Backoff, not a storm: the 4th wait is at least 200 ms (half of 400), the 1st at most 50 ms.
    const t = server.connectionTimes;
    expect(t[4]! - t[3]!).toBeGreaterThanOrEqual(198);
    expect(t[4]! - t[3]!).toBeGreaterThan(t[1]! - t[0]!);
    const rejectedLogs = () =>
      log.entries().filter((e) => e['msg'] === 'ESL password rejected; retrying with backoff');
    expect(rejectedLogs()).toHaveLength(1);
    expect(rejectedLogs()[0]!['level']).toBe(50);

    // The password is fixed on the server: connected, and the streak ends.
    server.password = PASSWORD;
    await eventually(() => client.state === 'connected', 3000, 'connected');
    expect(client.lastError).toBeUndefined();
    expect(server.last!.commands[0]!.line).toBe(`auth ${PASSWORD}`);

    // A new streak is logged again, once.
    server.password = 'changed-again';
    const failuresBefore = client.stats.authFailures;
    server.last!.reset();
    await eventually(() => client.stats.authFailures >= failuresBefore + 3, 5000, 'a new streak');
    expect(rejectedLogs()).toHaveLength(2);

    expect(log.text()).not.toContain(PASSWORD);
    expect(log.text().length).toBeGreaterThan(0);
  });
});
