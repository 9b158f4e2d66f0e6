// Helpers for the click-to-call and active-call tests: read a user's active CDRs, the originates that
// reached the simulated FreeSWITCH, and send request lines byte for byte (fetch would re-encode them).
import { connect } from 'node:net';
import type { Harness } from './daemon-harness.js';
import { basic, USERS } from './http.js';

export interface CdrJson {
  from: string;
  'from-aor': string;
  to: string;
  'to-aor': string;
  direction: string;
  recipient: string;
  internal: boolean;
  type: string;
  'start-time': number;
  duration: number;
  uuid: string;
  state: string;
}

export type Principal = keyof typeof USERS;

/** GET /my/activecdrs?extended=true as JSON (with uuid and state); throws unless 200. */
export async function cdrsOf(h: Harness, as: Principal): Promise<CdrJson[]> {
  const res = await h.request('GET', '/my/activecdrs?extended=true', { as, json: true });
  if (res.status !== 200) throw new Error(`activecdrs as ${as}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { cdrs: CdrJson[] }).cdrs;
}

/** Every `originate` line the simulator received so far (without `bgapi `). */
export function originates(h: Harness): string[] {
  return h.sim.server.received
    .map((r) => r.line)
    .filter((line) => line.startsWith('bgapi originate ') || line.startsWith('api originate '))
    .map((line) => line.replace(/^b?g?api /, ''));
}

/** Log lines (pino JSON) that mention `text`. */
export function logsWith(h: Harness, text: string): Array<Record<string, unknown>> {
  return h.logs.filter((l) => l.includes(text)).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * Sends `<method> <target> HTTP/1.1` exactly as given (no URL normalisation or re-encoding), with the
 * user's Basic credentials; resolves with the status code (0 if the server closed without answering).
 */
export function rawRequest(
  h: Harness,
  method: string,
  target: string,
  as: Principal = 'owner',
): Promise<number> {
  const { hostname, port } = new URL(h.url);
  const user = USERS[as];
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      data += chunk;
      const status = /^HTTP\/1\.1 (\d{3})/.exec(data);
      if (status) {
        socket.destroy();
        resolve(Number(status[1]));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(0));
    socket.write(
      Buffer.concat([
        Buffer.from(`${method} `, 'latin1'),
        Buffer.from(target, 'latin1'),
        Buffer.from(
          ` HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: ${basic(user.userName, user.password)}\r\n` +
            'Content-Length: 0\r\nConnection: close\r\n\r\n',
          'latin1',
        ),
      ]),
    );
  });
}
