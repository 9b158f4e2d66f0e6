// How long a WAV file plays, from its first bytes and its size (pure). Walks the RIFF chunks to `fmt `
// (bytes per second) and `data`; a recording still being written may say 0 (or more than the file
// holds) in its data size, so the audio is what the file holds after the data chunk's header.

/** Bytes a caller should read from the start of the file for durationOfWav. */
export const WAV_PROBE_BYTES = 4096;

/** Milliseconds of audio, or undefined when the bytes are no PCM-style WAV header. */
export function durationOfWav(head: Buffer, fileSize: number): number | undefined {
  if (head.length < 12 || head.toString('ascii', 0, 4) !== 'RIFF' || head.toString('ascii', 8, 12) !== 'WAVE')
    return undefined;
  let byteRate: number | undefined;
  let at = 12;
  while (at + 8 <= head.length) {
    const id = head.toString('ascii', at, at + 4);
    const size = head.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ' && body + 12 <= head.length) byteRate = head.readUInt32LE(body + 8);
    if (id === 'data') {
      if (byteRate === undefined || byteRate === 0) return undefined;
      const held = Math.max(0, fileSize - body);
      const bytes = size === 0 || size > held ? held : size;
      return Math.floor((bytes * 1000) / byteRate);
    }
    // chunks are padded to an even length
    at = body + size + (size % 2);
  }
  return undefined;
}
