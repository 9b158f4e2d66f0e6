// Pure ESL wire framing: bytes from FreeSWITCH -> frames (outer headers + body).
// An ESL frame is "Name: value\n" lines ending with a blank line, followed by Content-Length bytes of body
// when that header is present. Byte-exact: Content-Length counts bytes, not UTF-16 characters.

export interface EslFrame {
  /** Outer headers, in wire order, values as sent (outer headers are never URL-encoded). */
  headers: Record<string, string>;
  /** The body bytes decoded as UTF-8; '' when the frame has no Content-Length. */
  body: string;
}

/** The largest body we accept; a real FreeSWITCH reply for 10,000 channels is a few MiB. */
export const MAX_FRAME_BODY_BYTES = 64 * 1024 * 1024;
/** The largest header block we accept before calling the stream broken. */
export const MAX_FRAME_HEADER_BYTES = 64 * 1024;

export class EslFramingError extends Error {
  override name = 'EslFramingError';
}

const LF = 0x0a;

/** Parses a block of "Name: value" lines. Lines without ": " keep the whole line as the name. */
export function parseHeaderLines(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const sep = line.indexOf(': ');
    if (sep === -1) headers[line] = '';
    else headers[line.slice(0, sep)] = line.slice(sep + 2);
  }
  return headers;
}

/**
 * Incremental splitter. Feed it chunks as they arrive; it returns every complete frame.
 * Keeps at most one partial frame buffered; throws EslFramingError on a stream it cannot frame,
 * after which the connection should be dropped (the byte stream has lost its boundaries).
 */
export class EslFrameSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private pendingHeaders: Record<string, string> | null = null;
  private pendingBodyLength = 0;

  push(chunk: Buffer): EslFrame[] {
    const frames: EslFrame[] = [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    let buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    let pos = 0;
    for (;;) {
      if (this.pendingHeaders) {
        if (buf.length - pos < this.pendingBodyLength) break;
        const body = buf.toString('utf8', pos, pos + this.pendingBodyLength);
        pos += this.pendingBodyLength;
        frames.push({ headers: this.pendingHeaders, body });
        this.pendingHeaders = null;
        this.pendingBodyLength = 0;
        continue;
      }
      // Skip stray blank lines between frames (FreeSWITCH never sends them, but they are harmless).
      while (pos < buf.length && buf[pos] === LF) pos++;
      const end = findBlankLine(buf, pos);
      if (end === -1) {
        if (buf.length - pos > MAX_FRAME_HEADER_BYTES) throw new EslFramingError('header block too large');
        break;
      }
      const headers = parseHeaderLines(buf.toString('utf8', pos, end));
      pos = end + 2;
      const lengthText = headers['Content-Length'];
      if (lengthText === undefined) {
        frames.push({ headers, body: '' });
        continue;
      }
      if (!/^\d{1,10}$/.test(lengthText))
        throw new EslFramingError(`bad Content-Length "${lengthText.slice(0, 20)}"`);
      const length = Number(lengthText);
      if (length > MAX_FRAME_BODY_BYTES) throw new EslFramingError(`body of ${length} bytes is too large`);
      this.pendingHeaders = headers;
      this.pendingBodyLength = length;
    }
    if (pos >= buf.length) {
      this.chunks = [];
      this.buffered = 0;
    } else {
      buf = buf.subarray(pos);
      this.chunks = [buf];
      this.buffered = buf.length;
    }
    return frames;
  }

  /** Bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.buffered;
  }
}

function findBlankLine(buf: Buffer, from: number): number {
  let i = buf.indexOf(LF, from);
  while (i !== -1 && i + 1 < buf.length) {
    if (buf[i + 1] === LF) return i;
    i = buf.indexOf(LF, i + 1);
  }
  return -1;
}

/** Splits a whole recorded byte stream into frames (transcript replay, tests). */
export function splitFrames(bytes: Buffer): { frames: EslFrame[]; rest: number } {
  const splitter = new EslFrameSplitter();
  const frames = splitter.push(bytes);
  return { frames, rest: splitter.pendingBytes };
}
