// A simulated FreeSWITCH's conference recordings as files: a WAV header when the recording starts
// (the file exists while it runs, as FreeSWITCH's does) and, when it stops, the whole file: 16-bit mono
// 8 kHz silence of the recorded length behind a 142-byte header, the size stop-recording's
// Record-File-Size reports (FreeSWITCH's libsndfile header is that long). Only absolute paths of
// `.wav` files in an existing directory are written; anything else is left alone, as a failed write is.
import { closeSync, openSync, writeSync, constants } from 'node:fs';
import path from 'node:path';
import type { RecordingSink } from './model/context.js';

export const WAV_HEADER_BYTES = 142;
const RATE = 8000;

/** RIFF/WAVE, `fmt ` (PCM, mono, 8 kHz, 16 bit), a JUNK chunk to FreeSWITCH's header length, `data`. */
export function wavHeader(dataBytes: number): Buffer {
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(WAV_HEADER_BYTES - 8 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28); // bytes per second
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  const junk = WAV_HEADER_BYTES - 36 - 8 - 8;
  header.write('JUNK', 36, 'ascii');
  header.writeUInt32LE(junk, 40);
  header.write('data', 44 + junk, 'ascii');
  header.writeUInt32LE(dataBytes, 48 + junk);
  return header;
}

function writable(file: string): boolean {
  return path.isAbsolute(file) && file.endsWith('.wav') && !file.includes('\0');
}

function write(file: string, data: Buffer): void {
  if (!writable(file)) return;
  try {
    // never through a symlink planted where the file goes
    const fd = openSync(
      file,
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
      0o640,
    );
    try {
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
  } catch {
    // FreeSWITCH logs a failed open and records nothing; so does the simulator
  }
}

export function fileRecordingSink(): RecordingSink {
  return {
    started: (file) => write(file, wavHeader(0)),
    stopped: (file, samples) =>
      write(file, Buffer.concat([wavHeader(samples * 2), Buffer.alloc(samples * 2)])),
  };
}
