// Type declarations for the parts of modesl 1.2.1 (CommonJS, ships no types) that the client uses.
// Underscored members are modesl internals the client relies on (see client.ts for why); they are
// declared here so a modesl upgrade that changes them fails the typecheck of this one file's users.
declare module 'modesl' {
  import type { Socket } from 'node:net';

  type Listener = (...args: any[]) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

  namespace esl {
    /** modesl's ESLevent: an ordered header list plus a body. */
    class Event {
      constructor(headers: Record<string, string | number>, body?: string);
      constructor(type: string, subclass?: string);
      type: string;
      subclass: string | null | undefined;
      body: string;
      headers: Array<{ name: string; value: string | number }>;
      getHeader(name: string): string | null;
      getBody(): string;
      getType(): string;
      addHeader(name: string, value: string | number): string | number;
      delHeader(name: string): unknown;
      serialize(format?: 'plain' | 'json' | 'xml'): string;
    }

    /**
     * modesl's ESLconnection (an EventEmitter2 with wildcards, delimiter "::").
     * `new Connection(host, port, password[, onReady])` connects at once (inbound mode).
     */
    class Connection {
      constructor(host: string, port: number, password: string, onReady?: () => void);
      constructor(socket: Socket, onReady?: () => void);

      /** null after the socket emitted 'end' or after disconnect(). */
      socket: Socket | null;
      password: string;
      authed: boolean;
      connecting: boolean;
      /** Events modesl adds to every subscription (default BACKGROUND_JOB, CHANNEL_EXECUTE_COMPLETE). */
      reqEvents: string[];
      cmdCallbackQueue: Array<Listener | undefined>;
      apiCallbackQueue: Array<Listener | undefined>;

      connected(): boolean;
      /** Writes `command\n`, then `key: value\n` per arg, then `\n`, verbatim. */
      send(command: string, args?: Record<string, string> | null): void;
      /** send() and queue `cb` for the next command/reply. */
      sendRecv(command: string, args: Record<string, string> | null, cb?: (event: Event) => void): void;
      sendRecv(command: string, cb?: (event: Event) => void): void;
      /** Writes `api command[ args]` and queues `cb` for the next api/response. */
      api(command: string, cb: (event: Event) => void): void;
      api(command: string, args: string | string[], cb: (event: Event) => void): void;
      bgapi(command: string, args: string | string[], jobid: string, cb?: (event: Event) => void): void;
      events(type: 'plain' | 'xml' | 'json', events: string | string[], cb?: (event: Event) => void): void;
      auth(cb?: (err: Error | null, event: Event) => void): void;
      /** Sends `exit` and ends the socket. */
      disconnect(): void;

      on(event: string, listener: Listener): this;
      once(event: string, listener: Listener): this;
      off(event: string, listener: Listener): this;
      removeListener(event: string, listener: Listener): this;
      removeAllListeners(event?: string): this;
      emit(event: string, ...args: unknown[]): boolean;
      listeners(event: string): Listener[];
      listenerCount(event: string): number;

      /** Called when the TCP connection is up; creates modesl's Parser and the auth handler. */
      _onConnect(): void;
      /** Routes one parsed frame to modesl's reply queues and `esl::event::...` emits. */
      _onEvent(event: Event, headers: Record<string, string | number>, body?: string): void;
    }

    /** modesl's frame parser (replaced by the client; declared for the test that shows why). */
    class Parser {
      constructor(socket: Socket);
      on(event: string, listener: Listener): this;
      _onData(data: Buffer): void;
    }
  }

  export = esl;
}
