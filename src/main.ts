// Start-up and shutdown of the daemon process, nothing else.
import { ConfigError, loadConfig } from './config.js';
import { SHUTDOWN_GRACE_MS, startDaemon } from './daemon.js';
import { createLogger } from './log.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`fs-confd: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  let daemon;
  try {
    daemon = await startDaemon({ config, logger });
  } catch (err) {
    // One clear line (store unreadable, port taken, ...), no stack trace for expected failures.
    process.stderr.write(`fs-confd: cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    // stop() lets requests run for SHUTDOWN_GRACE_MS, then closes streams and ESL: a few seconds more.
    const force = setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS + 5_000);
    force.unref();
    void daemon.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
