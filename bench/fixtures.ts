// Synthetic load built from the real transcripts: recorded frames with fresh UUIDs and users, so the
// benchmarks measure the daemon on FreeSWITCH's own formats without hand-writing any of them.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { splitFrames } from '../src/esl/frames.js';
import { decodeEventFrame, isEventFrame, type EslEvent } from '../src/esl/events.js';

export const TRANSCRIPTS =
  process.env['FS_TRANSCRIPTS'] ?? path.resolve(import.meta.dirname, '../../shared/fs-transcripts');

function frames(name: string) {
  return splitFrames(readFileSync(path.join(TRANSCRIPTS, `${name}.txt`))).frames;
}

/** Click-to-call 1a of calls-json.txt, from the first event to the bridge: a live, bridged call. */
const CALL_A = '0ae98fd4-bb9b-4233-a629-b868315e70ac';
const CALL_B = '7cc7d3c8-092d-4585-958e-02b31b38e7f7';

export function bridgedCallTemplate(): string[] {
  const bodies: string[] = [];
  for (const frame of frames('calls-json')) {
    if (!isEventFrame(frame)) continue;
    if (!frame.body.includes(CALL_A) && !frame.body.includes(CALL_B)) continue;
    if (frame.body.includes('"CHANNEL_HANGUP"')) break;
    bodies.push(frame.body);
  }
  return bodies;
}

/** The template's events for call `i` with fresh leg UUIDs and user `1000 + (i % users)`. */
export function bridgedCallEvents(template: string[], i: number, users: number): EslEvent[] {
  const a = randomUUID();
  const b = randomUUID();
  const user = String(2000 + (i % users));
  return template.map((body) => {
    const text = body.replaceAll(CALL_A, a).replaceAll(CALL_B, b).replaceAll('1000', user);
    const decoded = decodeEventFrame({ headers: { 'Content-Type': 'text/event-json' }, body: text });
    if (!decoded.ok) throw new Error(decoded.error);
    return decoded.event;
  });
}

function apiReply(name: string, command: string): string {
  // The replies of api-responses.txt in the order the .jsonl says they were asked.
  const sent = readFileSync(path.join(TRANSCRIPTS, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.includes('"dir":"send"'))
    .map((l) => (JSON.parse(l) as { data: string }).data.trim());
  const replies = frames(name).filter((f) => f.headers['Content-Type'] === 'api/response');
  const index = sent.filter((s) => s.startsWith('api ')).indexOf(`api ${command}`);
  const reply = replies[index];
  if (!reply) throw new Error(`no reply to ${command} in ${name}`);
  return reply.body;
}

/** `show channels as json` with `count` channels, rows copied from the recorded reply. */
export function showChannelsJson(count: number): { body: string; uuids: string[] } {
  const recorded = JSON.parse(apiReply('api-responses', 'show channels as json')) as {
    rows: Array<Record<string, string>>;
  };
  const rows: Array<Record<string, string>> = [];
  const uuids: string[] = [];
  for (let i = 0; i < count; i++) {
    const uuid = randomUUID();
    uuids.push(uuid);
    const template = recorded.rows[i % recorded.rows.length]!;
    rows.push({ ...template, uuid, call_uuid: uuid });
  }
  return { body: JSON.stringify({ row_count: count, rows }), uuids };
}

/** `conference xml_list` with `count` conferences, each a copy of the recorded `demo` conference
 * whose members point at channels from `uuids`. */
export function conferenceXmlList(count: number, uuids: string[]): string {
  const recorded = apiReply('api-responses', 'conference demo xml_list');
  const start = recorded.indexOf('<conference ');
  const end = recorded.lastIndexOf('</conference>') + '</conference>'.length;
  const template = recorded.slice(start, end);
  const parts: string[] = [];
  let next = 0;
  for (let i = 0; i < count; i++) {
    parts.push(
      template
        .replace('name="demo"', `name="bench${i}"`)
        .replace(/uuid="[0-9a-f-]{36}"/, `uuid="${randomUUID()}"`)
        .replace(/<uuid>[0-9a-f-]{36}<\/uuid>/g, () => `<uuid>${uuids[next++ % uuids.length]}</uuid>`),
    );
  }
  return `${recorded.slice(0, start)}${parts.join('\n  ')}${recorded.slice(end)}`;
}

/** `uuid_dump <uuid> json` of a live call: the second set's recorded reply (7.8 KB) for `uuid`. */
export function uuidDumpJson(): (uuid: string) => string {
  const recorded = frames('click-to-call-dialplan-ext').filter(
    (f) => f.headers['Content-Type'] === 'api/response' && f.body.includes('"CHANNEL_DATA"'),
  )[0];
  if (!recorded) throw new Error('no uuid_dump reply in click-to-call-dialplan-ext');
  const leg = 'cafe0001-0000-4000-8000-00000000a001';
  return (uuid) => recorded.body.replaceAll(leg, uuid);
}
