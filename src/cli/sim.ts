// `npm run sim`: a simulated FreeSWITCH on its own, set up like the lab the transcripts were recorded
// in (users 1000-1019, user 1000 registered, extensions 3900/9991/9992/9993/9995), for pointing a
// daemon or any ESL client at it. SIM_PORT (default 8021) and SIM_PASSWORD (default ClueCon).
import { createLogger } from '../log.js';
import { transcriptLabConfig } from '../sim/model/config.js';
import { startSimulatedFreeswitch } from '../sim/start.js';

const port = Number(process.env['SIM_PORT'] ?? '8021');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('sim: SIM_PORT must be a port number');
  process.exit(2);
}
const password = process.env['SIM_PASSWORD'] ?? 'ClueCon';
const sim = await startSimulatedFreeswitch({
  ...transcriptLabConfig(),
  port,
  password,
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
