// Access to the real FreeSWITCH transcripts in ../shared/fs-transcripts (ground truth for the wire format).
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { requirementMet } from './requirements.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const TRANSCRIPT_DIR =
  process.env['FS_TRANSCRIPTS'] ?? path.resolve(here, '../../../shared/fs-transcripts');

export interface TranscriptLine {
  t: string;
  dir: 'send' | 'recv' | 'note' | 'close';
  offset?: number;
  len?: number;
  data?: string;
  text?: string;
}

function transcriptExists(name: string): boolean {
  return existsSync(path.join(TRANSCRIPT_DIR, `${name}.txt`));
}

/**
 * Whether a suite replaying these transcripts runs here: when they are there, and always in CI, where
 * missing transcripts fail the suite (requirements.ts).
 */
export function transcriptTestsRun(...names: string[]): boolean {
  const missing = names.filter((name) => !transcriptExists(name));
  return requirementMet(
    `transcript tests (${names.join(', ')})`,
    missing.length === 0,
    `${missing.join(', ')} not in ${TRANSCRIPT_DIR} (set FS_TRANSCRIPTS to the fs-transcripts folder)`,
  );
}

/** Every byte FreeSWITCH sent on the recorded connection(s). */
export function readTranscriptBytes(name: string): Buffer {
  return readFileSync(path.join(TRANSCRIPT_DIR, `${name}.txt`));
}

/** Both directions with recorder notes, in order. */
export function readTranscriptLines(name: string): TranscriptLine[] {
  return readFileSync(path.join(TRANSCRIPT_DIR, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TranscriptLine);
}

export const TRANSCRIPT_NAMES = [
  'auth',
  'api-responses',
  'conference-plain',
  'conference-json',
  'calls-plain',
  'calls-json',
  'disconnect-fsctl-idle',
  'disconnect-fsctl-events',
  'disconnect-fsctl-issuer',
  'disconnect-sigterm-idle',
  'disconnect-sigterm-events',
] as const;
