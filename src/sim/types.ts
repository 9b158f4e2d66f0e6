// The contract between the simulator's ESL wire server (server.ts, wire.ts) and its telephony model
// (model/). The server owns sockets, auth, subscriptions and formatting; the model owns calls and
// conferences and knows nothing about bytes.

/**
 * One event as FreeSWITCH builds it: headers in FreeSWITCH's own order (the order is part of the
 * wire format), values unencoded. The server encodes them as text/event-plain or text/event-json.
 */
export interface SimEvent {
  headers: Array<[name: string, value: string]>;
  /** Event body (BACKGROUND_JOB's result, for instance); sent with an inner Content-Length. */
  body?: string;
}

/** What the model needs from the server: a way to publish events to subscribed connections. */
export interface SimEventBus {
  publish(event: SimEvent): void;
}

/** What the server needs from the model: run one `api` command line and give FreeSWITCH's reply. */
export interface SimApi {
  /**
   * `command` is the first word (e.g. `conference`), `args` the rest of the line as sent (may be '').
   * Resolves with the exact api/response body FreeSWITCH would send (e.g. `+OK\n`, `-ERR ...\n`, or
   * a usage string with no newline). Long operations (originate) resolve when FreeSWITCH would.
   */
  execute(command: string, args: string): Promise<string>;
  /** The values FreeSWITCH stamps on every event (Core-UUID, hostname, IPs, sequence numbers). */
  readonly identity: SimIdentity;
}

export interface SimIdentity {
  coreUuid: string;
  hostname: string;
  switchname: string;
  ipv4: string;
  ipv6: string;
  /** Returns the next Event-Sequence number (one counter for every event FreeSWITCH fires). */
  nextSequence(): number;
}
