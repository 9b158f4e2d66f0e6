// Records an ESL session with a real FreeSWITCH in the format of the shared transcripts
// (../shared/fs-transcripts/README.md): `<name>.txt` holds every byte received, unchanged; `<name>.jsonl`
// both directions plus notes, one {"t","dir","offset","data"} object per line. Commands are sent as
// `<command>\n\n`. A script is a list of steps run in order on one connection:
//   { send: 'api status' }                 send a command, wait for its reply frame
//   { note: 'text' }                       an annotation (not on the wire)
//   { wait: 1500 }                         let events arrive
//   { shell: 'sipp ...', note?: 'why' }    run something beside the session (its output becomes a note)
// Usage: npx tsx test/live/record-transcript.ts <script.json> <out-dir/name>   (FS_ESL names the node)
import { execSync } from 'node:child_process';
import { writeFileSync, readFileSync, appendFileSync } from 'node:fs';
import { connect } from 'node:net';
import { loadConfig } from '../../src/config.js';

export type Step = { send: string } | { note: string } | { wait: number } | { shell: string; note?: string };

export async function record(steps: readonly Step[], out: string): Promise<void> {
  const node = loadConfig(process.env).eslNodes[0]!;
  const txt = `${out}.txt`;
  const jsonl = `${out}.jsonl`;
  writeFileSync(txt, '');
  writeFileSync(jsonl, '');
  let offset = 0;
  let pending = '';
  const line = (dir: string, data: string) =>
    appendFileSync(jsonl, `${JSON.stringify({ t: new Date().toISOString(), dir, offset, data })}\n`);
  const socket = connect({ host: node.host, port: node.port });
  let waiter: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    appendFileSync(txt, chunk);
    line('recv', chunk.toString('utf8'));
    offset += chunk.length;
    pending += chunk.toString('utf8');
    // a reply frame: command/reply, or api/response with its whole body
    const reply = /Content-Type: (?:command\/reply|auth\/request)\n(?:[^\n]+\n)*\n/.exec(pending);
    const api = /Content-Type: api\/response\nContent-Length: (\d+)\n\n/.exec(pending);
    if (api && pending.length >= api.index + api[0].length + Number(api[1])) {
      pending = pending.slice(api.index + api[0].length + Number(api[1]));
      waiter?.();
    } else if (reply) {
      pending = pending.slice(reply.index + reply[0].length);
      waiter?.();
    }
  });
  socket.on('close', () => line('close', ''));
  const replied = () => new Promise<void>((resolve) => (waiter = resolve));
  await replied(); // auth/request
  const send = async (command: string) => {
    line('send', `${command}\n\n`);
    const done = replied();
    socket.write(`${command}\n\n`);
    await done;
  };
  await send(`auth ${node.password}`);
  for (const step of steps) {
    if ('send' in step) await send(step.send);
    else if ('wait' in step) await new Promise((r) => setTimeout(r, step.wait));
    else if ('shell' in step) {
      if (step.note) line('note', step.note);
      let output: string;
      try {
        output = execSync(step.shell, { encoding: 'utf8', shell: '/bin/bash', timeout: 60_000 });
      } catch (err) {
        output = `exit ${(err as { status?: number }).status ?? '?'}: ${String((err as { stdout?: string }).stdout ?? '')}`;
      }
      line('note', `$ ${step.shell}\n${output.trim()}`);
    } else line('note', step.note);
  }
  await send('exit');
  await new Promise((r) => setTimeout(r, 300));
  socket.destroy();
}

if (process.argv[1]?.endsWith('record-transcript.ts')) {
  const [script, out] = process.argv.slice(2);
  if (!script || !out) {
    process.stderr.write('usage: record-transcript.ts <script.json> <out-dir/name>\n');
    process.exit(2);
  }
  await record(JSON.parse(readFileSync(script, 'utf8')) as Step[], out);
}
