// Pure framing of what an ESL client sends, the way mod_event_socket's read_packet reads it: a command
// ends at two LFs (CRs in between are ignored), blank lines before a command are skipped, the first line is
// the command, later `Name: value` lines are headers, and a Content-Length header is followed by that many
// body bytes. Input is hostile: sizes are bounded and a NUL ends a line, as it ends a C string.

/** One command as the client sent it. */
export interface EslCommand {
  /** The first line, cut at the first CR or NUL. */
  line: string;
  /** Header lines in order (names as sent; look them up case-insensitively with headerOf). */
  headers: Array<[string, string]>;
  /** Present when a Content-Length header announced a body. */
  body?: string;
}

/** The largest command block (line + headers) we accept; FreeSWITCH's own limit is 10 MiB. */
export const MAX_COMMAND_BYTES = 1024 * 1024;
/** The largest body a command may announce. */
export const MAX_COMMAND_BODY_BYTES = 1024 * 1024;

export class EslCommandTooLargeError extends Error {
  override name = 'EslCommandTooLargeError';
}

const LF = 0x0a;
const CR = 0x0d;

/** Cuts a line at its first CR, LF or NUL (strip_cr, plus C-string semantics). */
function cutLine(text: string): string {
  const m = /[\r\n\0]/.exec(text);
  return m ? text.slice(0, m.index) : text;
}

function parseBlock(block: Buffer): { line: string; headers: Array<[string, string]>; bodyLength: number } {
  const lines = block.toString('utf8').split(/[\r\n]+/);
  const line = cutLine(lines[0] ?? '');
  const headers: Array<[string, string]> = [];
  let bodyLength = 0;
  for (const raw of lines.slice(1)) {
    const text = cutLine(raw);
    const colon = text.indexOf(':');
    if (text === '' || colon === -1) continue;
    const name = text.slice(0, colon);
    const value = text.slice(colon + 1).replace(/^ +/, '');
    headers.push([name, value]);
    if (name.toLowerCase() === 'content-length') {
      // atoi(): leading digits; anything else is 0 (no body).
      const n = Number(/^\d+/.exec(value)?.[0] ?? '0');
      if (n > MAX_COMMAND_BODY_BYTES) throw new EslCommandTooLargeError(`command body of ${n} bytes`);
      bodyLength = n;
    }
  }
  return { line, headers, bodyLength };
}

/** Incremental reader: push chunks as they arrive, get complete commands back. */
export class EslCommandReader {
  private buf: Buffer = Buffer.alloc(0);
  private scanFrom = 0;
  private newlines = 0;
  private pending: { line: string; headers: Array<[string, string]>; bodyLength: number } | null = null;

  /** Returns every command completed by this chunk. Throws EslCommandTooLargeError past the limits. */
  push(chunk: Buffer): EslCommand[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: EslCommand[] = [];
    for (;;) {
      if (this.pending) {
        if (this.buf.length < this.pending.bodyLength) break;
        const body = this.buf.subarray(0, this.pending.bodyLength).toString('utf8');
        out.push({ line: this.pending.line, headers: this.pending.headers, body });
        this.buf = this.buf.subarray(this.pending.bodyLength);
        this.pending = null;
        continue;
      }
      // "bah": CR/LF before a command are dropped.
      if (this.scanFrom === 0) {
        let skip = 0;
        while (skip < this.buf.length && (this.buf[skip] === LF || this.buf[skip] === CR)) skip++;
        if (skip > 0) this.buf = this.buf.subarray(skip);
      }
      const end = this.findEnd();
      if (end === -1) {
        if (this.buf.length > MAX_COMMAND_BYTES) throw new EslCommandTooLargeError('command without end');
        break;
      }
      const parsed = parseBlock(this.buf.subarray(0, end));
      this.buf = this.buf.subarray(end);
      this.scanFrom = 0;
      this.newlines = 0;
      if (parsed.bodyLength > 0) this.pending = parsed;
      else out.push({ line: parsed.line, headers: parsed.headers });
    }
    return out;
  }

  /** Bytes held that are not yet a complete command. */
  get pendingBytes(): number {
    return this.buf.length;
  }

  /** Index just past the second LF of the terminator, or -1; remembers how far it has scanned. */
  private findEnd(): number {
    for (let i = this.scanFrom; i < this.buf.length; i++) {
      const b = this.buf[i];
      if (b === LF) {
        if (++this.newlines === 2) return i + 1;
      } else if (b !== CR) this.newlines = 0;
    }
    this.scanFrom = this.buf.length;
    return -1;
  }
}

/** A header's value by case-insensitive name (FreeSWITCH's event header lookup), first one wins. */
export function headerOf(command: EslCommand, name: string): string | undefined {
  const lower = name.toLowerCase();
  return command.headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** Splits `<word> <rest>` at the first space; `rest` is undefined when there is no space (C's NULL). */
export function splitFirstWord(text: string): { word: string; rest: string | undefined } {
  const space = text.indexOf(' ');
  return space === -1
    ? { word: text, rest: undefined }
    : { word: text.slice(0, space), rest: text.slice(space + 1) };
}
