// `npm run sim`: a simulated FreeSWITCH on its own, set up like the lab the transcripts were recorded
// in (users 1000-1019, user 1000 registered, extensions 3900/9991/9992/9993/9995), for pointing a
// daemon or any ESL client at it. SIM_PORT (default 8021), SIM_PASSWORD (default ClueCon),
// SIM_HEARTBEAT_MS (HEARTBEAT interval, default 20000, 0 = none), SIM_SHUTDOWN_DELAY_MS (time from
// the SHUTDOWN event to closing ESL on SIGINT/SIGTERM, default 0).
import { createLogger } from '../log.js';
import { transcriptLabConfig } from '../sim/model/config.js';
import { startSimulatedFreeswitch } from '../sim/start.js';

const port = Number(process.env['SIM_PORT'] ?? '8021');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('sim: SIM_PORT must be a port number');
  process.exit(2);
}
const password = process.env['SIM_PASSWORD'] ?? 'ClueCon';
const heartbeatMs = Number(process.env['SIM_HEARTBEAT_MS'] ?? '20000');
const shutdownDelayMs = Number(process.env['SIM_SHUTDOWN_DELAY_MS'] ?? '0');
if (![heartbeatMs, shutdownDelayMs].every((n) => Number.isInteger(n) && n >= 0)) {
  console.error('sim: SIM_HEARTBEAT_MS and SIM_SHUTDOWN_DELAY_MS must be whole milliseconds');
  process.exit(2);
}
const sim = await startSimulatedFreeswitch({
  ...transcriptLabConfig(),
  port,
  password,
  heartbeatMs,
  shutdownDelayMs,
  logger: createLogger(
    process.env['LOG_LEVEL'] === undefined ? 'info' : (process.env['LOG_LEVEL'] as 'info'),
  ),
});
console.log(`simulated FreeSWITCH listening on ${sim.host}:${sim.port}; point the daemon at it with
  FS_ESL='esl://:<SIM_PASSWORD>@${sim.host}:${sim.port}' FS_DOMAIN=127.0.0.1 npm start`);
const stop = async () => {
  await sim.shutdown();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
