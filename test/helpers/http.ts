// A daemon HTTP app over a temporary store with known users and conferences, driven by app.request()
// (no sockets). Logs are captured so tests can check that no secret reaches them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import { newConference, type ConferenceInput } from '../../src/domain/conferences.js';
import { newUser, type User, type UserInput } from '../../src/domain/users.js';
import { createApp, type AppDeps } from '../../src/http/app.js';
import { detachedAppDeps } from './app-deps.js';
import { createLogger } from '../../src/log.js';
import { JsonFileStore, STORE_FILE_NAME } from '../../src/store/json-file-store.js';
import { STORE_FORMAT, STORE_VERSION } from '../../src/store/records.js';

/** Cheap scrypt for tests; production default is N = 2^14. */
export const TEST_SCRYPT = { N: 1024, r: 8, p: 1 };
export const TEST_DOMAIN = 'example.org';

export const PASSWORDS = {
  admin: 'admin-password-1',
  owner: 'owner-password-1',
  delegate: 'delegate-password-1',
  other: 'other-password-1',
} as const;

/** The cast of every matrix test: who they are and how they log in. */
export const USERS = {
  admin: {
    userName: 'admin',
    imId: 'root',
    role: 'admin',
    password: PASSWORDS.admin,
    sipPassword: 'AdminSip0001',
  },
  owner: {
    userName: '200',
    imId: 'alice',
    password: PASSWORDS.owner,
    sipPassword: 'AliceSip0001',
    firstName: 'Alice',
  },
  delegate: { userName: '201', imId: 'bob', password: PASSWORDS.delegate, sipPassword: 'BobSip00001' },
  other: { userName: '202', imId: 'carol', password: PASSWORDS.other, sipPassword: 'CarolSip0001' },
} as const satisfies Record<string, UserInput>;

/** Unique markers: if one shows up in a body it must not be in, the test sees it. */
export const CONFERENCES = {
  owned: {
    name: 'alice-conf',
    owner: '200',
    extension: '3000',
    description: 'Alice weekly',
    accessCode: '482915',
    moderatorPin: '771133',
    delegates: ['201'],
  },
  others: {
    name: 'carol-conf',
    owner: '202',
    extension: '3001',
    description: 'Carol private',
    accessCode: '909090',
    moderatorPin: '919191',
  },
} as const satisfies Record<string, ConferenceInput>;

export function basic(login: string, password: string): string {
  return `Basic ${Buffer.from(`${login}:${password}`, 'utf8').toString('base64')}`;
}

export interface RequestOptions {
  auth?: string;
  body?: unknown;
  /** Raw body text (sent as is) — for XML and malformed bodies. */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Simulated client address (what getConnInfo reads from the Node socket). */
  client?: string;
}

export interface HttpFixture {
  app: ReturnType<typeof createApp>;
  store: JsonFileStore;
  dir: string;
  logs: string[];
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  close(): Promise<void>;
}

let hashedUsers: Promise<User[]> | undefined;

export async function createHttpFixture(
  overrides: Partial<Pick<AppDeps, 'auth' | 'health' | 'stopping'>> = {},
): Promise<HttpFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'http-test-'));
  // One file write instead of one durable write per record: fixtures are made per test.
  const users = await (hashedUsers ??= Promise.all(
    Object.values(USERS).map((u) => newUser(u, { sipDomain: TEST_DOMAIN, scrypt: TEST_SCRYPT })),
  ));
  const conferences = Object.values(CONFERENCES).map((c) => newConference(c));
  const file = { format: STORE_FORMAT, version: STORE_VERSION, users, conferences };
  await writeFile(join(dir, STORE_FILE_NAME), JSON.stringify(file), { mode: 0o600 });
  const store = await JsonFileStore.open(dir);

  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger('debug', sink);
  const config = loadConfig({ FS_DOMAIN: TEST_DOMAIN, DATA_DIR: dir });
  const detached = await detachedAppDeps(store, logger, config, {
    passwordScrypt: TEST_SCRYPT,
    ...(overrides.health ? { health: overrides.health } : {}),
    ...(overrides.auth ? { auth: overrides.auth } : {}),
    ...(overrides.stopping ? { stopping: overrides.stopping } : {}),
  });
  const app = createApp(detached.deps);

  const request = (method: string, path: string, options: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.auth !== undefined) headers['Authorization'] = options.auth;
    let body: string | undefined;
    if (options.text !== undefined) body = options.text;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
    const env = { incoming: { socket: { remoteAddress: options.client ?? '192.0.2.1', remotePort: 40000 } } };
    return Promise.resolve(
      app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) }, env),
    );
  };

  return {
    app,
    store,
    dir,
    logs,
    request,
    close: async () => {
      await detached.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A response body parsed as JSON, typed by the caller (the test asserts the shape). */
export async function jsonOf<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
