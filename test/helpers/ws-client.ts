// A test client of the daemon's event stream: connects with HTTP Basic like any REST client, records
// every message, and folds them into the picture a wallboard would hold (conferences with members,
// calls), so tests can compare what the stream says with what REST says.
import WebSocket from 'ws';
import type { CallView, ConferenceView, StreamMessage } from '../../src/ws/protocol.js';
import { basic, USERS } from './http.js';

export class StreamModel {
  readonly conferences = new Map<string, ConferenceView>();
  readonly calls = new Map<string, CallView>();
  readonly unavailable = new Set<string>();

  apply(message: StreamMessage): void {
    switch (message.type) {
      case 'snapshot':
        this.conferences.clear();
        this.calls.clear();
        for (const c of message.conferences) this.conferences.set(c.name, structuredClone(c));
        for (const c of message.calls) this.calls.set(c.uuid, c);
        for (const n of message.unavailableNodes) this.unavailable.add(n);
        return;
      case 'conference.started':
      case 'conference.updated':
        this.conferences.set(message.conference.name, structuredClone(message.conference));
        return;
      case 'conference.ended':
        this.conferences.delete(message.conference);
        return;
      case 'node.available':
        this.unavailable.delete(message.node);
        return;
      case 'node.unavailable':
        this.unavailable.add(message.node);
        return;
      case 'heartbeat':
        return;
    }
    if (message.type.startsWith('call.') && 'call' in message) {
      if (message.type === 'call.ended') this.calls.delete(message.call.uuid);
      else this.calls.set(message.call.uuid, message.call);
      return;
    }
    if ('member' in message && typeof message.member === 'object' && message.member !== null) {
      const conf = this.conferences.get(message.conference);
      if (!conf) throw new Error(`${message.type} for unknown conference ${message.conference}`);
      const member = message.member;
      const at = conf.members.findIndex((m) => m.id === member.id);
      if (message.type === 'member.left') {
        if (at >= 0) conf.members.splice(at, 1);
      } else if (at >= 0) conf.members[at] = member;
      else conf.members.push(member);
      return;
    }
    if ('conference' in message && typeof message.conference === 'string') {
      const conf = this.conferences.get(message.conference);
      if (!conf) throw new Error(`${message.type} for unknown conference ${message.conference}`);
      if (message.type === 'conference.locked') conf.locked = true;
      if (message.type === 'conference.unlocked') conf.locked = false;
      if (message.type === 'conference.recording-started') conf.recording = true;
      if (message.type === 'conference.recording-stopped') conf.recording = false;
      if (message.type === 'conference.floor') conf.floor = message.member ?? null;
    }
  }
}

export interface StreamConnection {
  readonly socket: WebSocket;
  readonly messages: StreamMessage[];
  readonly model: StreamModel;
  /** Resolves with the close code (rejects never). */
  readonly closed: Promise<number>;
  /** Waits until some message satisfies `match` (looking at all received so far first). */
  waitFor(match: (m: StreamMessage) => boolean, ms?: number): Promise<StreamMessage>;
  close(): void;
}

export function connectStream(
  baseUrl: string,
  as: keyof typeof USERS | undefined,
  options: { path?: string; query?: string; wsOptions?: WebSocket.ClientOptions } = {},
): Promise<StreamConnection> {
  const url = `${baseUrl.replace(/^http/, 'ws')}${options.path ?? '/events'}${options.query ?? ''}`;
  const headers: Record<string, string> = {};
  if (as) headers['Authorization'] = basic(USERS[as].userName, USERS[as].password);
  const socket = new WebSocket(url, { headers, ...options.wsOptions });
  const messages: StreamMessage[] = [];
  const model = new StreamModel();
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as StreamMessage;
    messages.push(message);
    model.apply(message);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  const connection: StreamConnection = {
    socket,
    messages,
    model,
    closed,
    waitFor: (match, ms = 5000) =>
      new Promise((resolve, reject) => {
        let seen = 0;
        const check = () => {
          for (; seen < messages.length; seen++) {
            const message = messages[seen]!;
            if (match(message)) {
              cleanup();
              resolve(message);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(`no matching message within ${ms} ms; got ${messages.map((m) => m.type).join(', ')}`),
          );
        }, ms);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    close: () => socket.close(),
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(connection));
    socket.once('unexpected-response', (_req, res) =>
      reject(new Error(`upgrade refused: ${res.statusCode}`)),
    );
    socket.once('error', reject);
  });
}
