// Starts a simulated FreeSWITCH: the telephony model behind an ESL server on TCP. One entry point for
// the demo, `npm run sim`, the integration tests and the benchmarks.
import type { Logger } from '../log.js';
import { DEFAULT_HEARTBEAT_MS } from './model/core-events.js';
import { SimSwitch, type SimSwitchOptions } from './model/switch.js';
import { EslSimServer } from './server.js';
import type { SimEvent } from './types.js';

export interface SimulatedFreeswitchOptions extends Omit<SimSwitchOptions, 'bus'> {
  password?: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  logger?: Logger;
  /** HEARTBEAT interval; 0 sends none. Default 20,000 ms, FreeSWITCH's `event-heartbeat-interval`. */
  heartbeatMs?: number;
  /** Time between the SHUTDOWN event and the disconnect notices (a real FreeSWITCH with a conference
   * running took ~32 s). Default 0. */
  shutdownDelayMs?: number;
}

export interface SimulatedFreeswitch {
  readonly server: EslSimServer;
  readonly fs: SimSwitch;
  readonly host: string;
  readonly port: number;
  readonly password: string;
  /** `esl://:password@host:port`, ready for FS_ESL. */
  readonly eslUrl: string;
  /** What FreeSWITCH does on shutdown: SHUTDOWN event, calls hung up, then (after `shutdownDelayMs`)
   * a notice to every client and the sockets closed. */
  shutdown(): Promise<void>;
  /** Closes without a notice (tests of a crash use server.dropAllConnections()). */
  close(): Promise<void>;
  /** Stops answering (no bytes in or out, no heartbeats) until thaw(), like SIGSTOP; see server.freeze. */
  freeze(): void;
  thaw(): void;
}

export async function startSimulatedFreeswitch(
  options: SimulatedFreeswitchOptions = {},
): Promise<SimulatedFreeswitch> {
  const {
    password = 'ClueCon',
    host = '127.0.0.1',
    port = 0,
    logger,
    heartbeatMs = DEFAULT_HEARTBEAT_MS,
    shutdownDelayMs = 0,
    ...model
  } = options;
  // The model publishes through the server, and the server runs the model's api: tie the knot late.
  const bus = {
    target: undefined as EslSimServer | undefined,
    publish: (e: SimEvent) => bus.target?.publish(e),
  };
  const fs = new SimSwitch({ ...model, bus });
  const started = new EslSimServer({ password, api: fs, ...(logger ? { logger } : {}) });
  bus.target = started;
  const listening = await started.listen(port, host);
  const stopHeartbeats = heartbeatMs > 0 ? fs.startHeartbeats(heartbeatMs) : () => undefined;
  return {
    server: started,
    fs,
    host,
    port: listening.port,
    password,
    eslUrl: `esl://:${encodeURIComponent(password)}@${host}:${listening.port}`,
    shutdown: async () => {
      stopHeartbeats();
      await fs.beginShutdown();
      if (shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, shutdownDelayMs));
      await started.shutdown();
    },
    close: async () => {
      stopHeartbeats();
      await fs.shutdown();
      await started.close();
    },
    freeze: () => {
      fs.frozen = true;
      started.freeze();
    },
    thaw: () => {
      fs.frozen = false;
      started.thaw();
    },
  };
}
