// SIP phones for the live suite: sipp processes driven from the scenario templates in ./sipp/.
// A phone registers first from its own port (register.xml), then a UAS on that same port answers,
// refuses or lets ring the calls FreeSWITCH sends to the registered contact. Callers digest-authenticate
// their INVITE as the user they are. Every process is bounded (-timeout) and killed by stopAll().
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const WORK = mkdtempSync(join(tmpdir(), 'fsconfd-sipp-'));
/** FreeSWITCH's SIP profile the phones talk to (the stock `internal` profile). */
export const SIP_SERVER = process.env['FS_SIP'] ?? '127.0.0.1:5060';
const SIPP = process.env['SIPP'] ?? 'sipp';
const running = new Set<ChildProcess>();
// Each test file runs in its own process: a random base per process keeps files from reusing a port
// a previous file's sipp may still be releasing.
let nextMediaPort = 22_000 + 40 * Math.floor(Math.random() * 200);

export interface SippRun {
  /** Exit code: 0 when every call of the scenario went as written. */
  readonly exit: Promise<number>;
  /** What sipp printed (its error log lines are the useful part). */
  output(): string;
  stop(): Promise<void>;
}

function scenario(name: string, vars: Record<string, string | number>): string {
  let text = readFileSync(join(HERE, 'sipp', `${name}.xml`), 'utf8');
  for (const [key, value] of Object.entries(vars)) text = text.replaceAll(`%${key}%`, String(value));
  const file = join(
    WORK,
    `${name}-${Object.values(vars)
      .join('-')
      .replace(/[^\w-]/g, '_')}.xml`,
  );
  writeFileSync(file, text);
  return file;
}

function run(args: string[], timeout = ['-timeout', '120', '-timeout_error']): SippRun {
  const child = spawn(SIPP, [...args, '-nostdin', ...timeout], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-20_000)));
  child.stderr.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-20_000)));
  const exit = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? (signal ? 128 : 1));
    });
    child.on('error', (err) => {
      running.delete(child);
      out += String(err);
      resolve(127);
    });
  });
  return {
    exit,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exit;
    },
  };
}

function media(): string[] {
  const port = nextMediaPort;
  nextMediaPort += 4;
  return ['-mi', '127.0.0.1', '-mp', String(port)];
}

export interface SipUser {
  user: string;
  password: string;
}

/** REGISTER `user` from 127.0.0.1:`port`; resolves with sipp's exit code (0: registered). */
export async function register(
  user: SipUser,
  port: number,
  expires = 3600,
): Promise<{ code: number; output: string }> {
  const r = run([
    SIP_SERVER,
    '-sf',
    scenario('register', { EXPIRES: expires }),
    '-i',
    '127.0.0.1',
    '-p',
    String(port),
    '-s',
    user.user,
    '-au',
    user.user,
    '-ap',
    user.password,
    '-m',
    '1',
  ]);
  const code = await r.exit;
  if (code === 0 && expires > 0) await absorbNotify(port);
  return { code, output: r.output() };
}

/** Answers the NOTIFY FreeSWITCH may retransmit to a phone that just registered (see the scenario). */
async function absorbNotify(port: number): Promise<void> {
  const r = run(
    ['-sf', scenario('absorb-notify', {}), '-i', '127.0.0.1', '-p', String(port), '-m', '1'],
    ['-timeout', '4'],
  );
  await r.exit;
}

export type PhoneMode = 'answer' | 'busy' | 'ring';

/** Resolves once a UDP socket is bound to `port` (read from /proc/net/udp: probing by binding could race sipp). */
async function listening(port: number, run: SippRun): Promise<void> {
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (let i = 0; i < 200; i++) {
    const table = readFileSync('/proc/net/udp', 'utf8');
    const bound = table.split('\n').some((line) => line.trim().split(/\s+/)[1]?.endsWith(suffix));
    // and still running a moment later (a sipp that cannot bind its media port exits at once)
    if (bound && (await Promise.race([run.exit, new Promise((r) => setTimeout(r, 150, 'up'))])) === 'up')
      return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sipp did not start listening on ${port}: ${run.output()}`);
}

/**
 * A phone on `port` that handles `calls` incoming calls: answers after `ringMs`, is busy, or only rings.
 * Resolves once it listens, so a call placed next cannot reach a port nobody answers on.
 */
export async function phone(
  port: number,
  mode: PhoneMode,
  options: { ringMs?: number; calls?: number } = {},
): Promise<SippRun> {
  const file =
    mode === 'answer'
      ? scenario('uas', { RING_MS: options.ringMs ?? 0 })
      : scenario(mode === 'busy' ? 'uas-busy' : 'uas-ring', {});
  const r = run([
    '-sf',
    file,
    '-i',
    '127.0.0.1',
    '-p',
    String(port),
    ...media(),
    '-rtp_echo',
    // FreeSWITCH may send a registered phone an unsolicited NOTIFY (message waiting): answer it 200
    // instead of aborting the scenario before the call arrives
    '-aa',
    '-m',
    String(options.calls ?? 1),
  ]);
  await listening(port, r);
  return r;
}

/** `from` calls `to` (digest-authenticated), stays up `holdMs` unless FreeSWITCH hangs up first. */
export function dial(from: SipUser, to: string, port: number, holdMs: number): SippRun {
  return run([
    SIP_SERVER,
    '-sf',
    scenario('uac', { CALLER: from.user, HOLD_MS: holdMs }),
    '-i',
    '127.0.0.1',
    '-p',
    String(port),
    ...media(),
    '-s',
    to,
    '-au',
    from.user,
    '-ap',
    from.password,
    '-m',
    '1',
  ]);
}

/** Kills every sipp still running (afterAll). */
export async function stopAll(): Promise<void> {
  for (const child of running) child.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 50));
}
