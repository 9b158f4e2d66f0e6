// Errors of the ESL client, one class per way a request can fail, so HTTP can map them: a request
// FreeSWITCH never received (not connected, not sent, dropped from the queue) -> 503; a request that
// was written but not answered (timeout, connection lost after writing) -> 504, because FreeSWITCH may
// have run it or may still run it when it resumes (isOutcomeUnknown); unsafe command -> 400 or a bug.
// Messages never contain a password or a command line (a command may carry user input).

export class EslError extends Error {
  /** The node ("host:port") the error is about, when there is one. */
  readonly nodeId: string | undefined;

  constructor(message: string, nodeId?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.nodeId = nodeId;
  }
}

/** A request was made while the client was not connected (connecting, between retries, stopped). */
export class EslNotConnectedError extends EslError {
  constructor(nodeId: string, cause?: Error) {
    super(`ESL node ${nodeId} is not connected`, nodeId, cause ? { cause } : undefined);
  }
}

/**
 * The connection went away (or the client was stopped) while the request was pending. `written`:
 * the request had reached the wire, so FreeSWITCH may have run it; otherwise it was never sent.
 */
export class EslDisconnectedError extends EslError {
  constructor(
    nodeId: string,
    reason: string,
    readonly written = false,
  ) {
    super(
      `ESL connection to ${nodeId} closed before the ${written ? 'reply' : 'request was sent'}: ${reason}`,
      nodeId,
    );
  }
}

/** The request waited in the queue past its timeout (the line was busy) and was never written. */
export class EslNotSentError extends EslError {
  constructor(
    nodeId: string,
    readonly timeoutMs: number,
  ) {
    super(`ESL node ${nodeId}: request not sent within ${timeoutMs} ms (the connection was busy)`, nodeId);
  }
}

/** No reply (or, for bgapi, no BACKGROUND_JOB) within the request's timeout, after it was written. */
export class EslTimeoutError extends EslError {
  constructor(
    nodeId: string,
    readonly timeoutMs: number,
    what = 'reply',
  ) {
    super(`ESL node ${nodeId} sent no ${what} within ${timeoutMs} ms`, nodeId);
  }
}

/** The command could change the ESL stream's framing (CR, LF, NUL) or is empty; nothing was written. */
export class EslUnsafeCommandError extends EslError {
  constructor(reason: string) {
    super(`refused ESL command: ${reason}`);
  }
}

/** FreeSWITCH rejected the ESL password. */
export class EslAuthError extends EslError {
  constructor(nodeId: string, replyText: string) {
    // replyText is FreeSWITCH's answer (e.g. "-ERR invalid"); it never echoes the password.
    super(`ESL node ${nodeId} rejected the password (${replyText.slice(0, 80)})`, nodeId);
  }
}

/** The peer broke the protocol (bad framing, a reply nobody asked for, refused subscription). */
export class EslProtocolError extends EslError {}

/** Whether FreeSWITCH may have run (or may still run) the request: it was written, its answer never came. */
export function isOutcomeUnknown(err: unknown): boolean {
  return err instanceof EslTimeoutError || (err instanceof EslDisconnectedError && err.written);
}
