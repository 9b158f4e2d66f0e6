// Starts a simulated FreeSWITCH: the telephony model behind an ESL server on TCP. One entry point for
// the demo, `npm run sim`, the integration tests and the benchmarks.
import type { Logger } from '../log.js';
import { SimSwitch, type SimSwitchOptions } from './model/switch.js';
import { EslSimServer } from './server.js';
import type { SimEvent } from './types.js';

export interface SimulatedFreeswitchOptions extends Omit<SimSwitchOptions, 'bus'> {
  password?: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  logger?: Logger;
}

export interface SimulatedFreeswitch {
  readonly server: EslSimServer;
  readonly fs: SimSwitch;
  readonly host: string;
  readonly port: number;
  readonly password: string;
  /** `esl://:password@host:port`, ready for FS_ESL. */
  readonly eslUrl: string;
  /** What FreeSWITCH does on shutdown: notice to every client, then close. */
  shutdown(): Promise<void>;
  /** Closes without a notice (tests of a crash use server.dropAllConnections()). */
  close(): Promise<void>;
}

export async function startSimulatedFreeswitch(
  options: SimulatedFreeswitchOptions = {},
): Promise<SimulatedFreeswitch> {
  const { password = 'ClueCon', host = '127.0.0.1', port = 0, logger, ...model } = options;
  // The model publishes through the server, and the server runs the model's api: tie the knot late.
  const bus = {
    target: undefined as EslSimServer | undefined,
    publish: (e: SimEvent) => bus.target?.publish(e),
  };
  const fs = new SimSwitch({ ...model, bus });
  const started = new EslSimServer({ password, api: fs, ...(logger ? { logger } : {}) });
  bus.target = started;
  const listening = await started.listen(port, host);
  return {
    server: started,
    fs,
    host,
    port: listening.port,
    password,
    eslUrl: `esl://:${encodeURIComponent(password)}@${host}:${listening.port}`,
    shutdown: async () => {
      await fs.shutdown();
      await started.shutdown();
    },
    close: async () => {
      await fs.shutdown();
      await started.close();
    },
  };
}
