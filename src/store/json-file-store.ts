// The embedded store: everything in memory (indexed Maps, frozen records shared with readers), persisted
// to one JSON file in DATA_DIR. Writes are serialised; each one is made durable (durable-write.ts)
// before readers can see it, and rolled back if it cannot be. A file that cannot be read or validated
// stops start-up with StoreOpenError and is left exactly as it was.
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../log.js';
import type { Conference } from '../domain/conferences.js';
import type { User } from '../domain/users.js';
import { DatasetReads } from './dataset-reads.js';
import { StoreListeners } from './listeners.js';
import { Dataset, type Plan } from './dataset.js';
import { removeStaleTempFiles, writeFileDurably } from './durable-write.js';
import { describeIssue, STORE_FORMAT, STORE_VERSION, storeFileSchema } from './records.js';
import {
  StoreOpenError,
  StoreWriteError,
  StoreError,
  type Store,
  type StoreHealth,
  type StoreListener,
} from './store.js';

export const STORE_FILE_NAME = 'store.json';

export interface JsonFileStoreOptions {
  logger?: Logger;
  /** Defaults to store.json. */
  fileName?: string;
}

export class JsonFileStore extends DatasetReads implements Store {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly listeners: StoreListeners;

  private constructor(
    readonly path: string,
    private readonly data: Dataset,
    logger: Logger | undefined,
  ) {
    super();
    this.listeners = new StoreListeners(logger);
  }

  /** Opens (or starts empty when there is no file yet) the store in `dataDir`. */
  static async open(dataDir: string, options: JsonFileStoreOptions = {}): Promise<JsonFileStore> {
    const path = resolve(join(dataDir, options.fileName ?? STORE_FILE_NAME));
    try {
      await mkdir(resolve(dataDir), { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new StoreOpenError(path, `cannot create the data directory: ${errorCode(err)}`);
    }
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new StoreOpenError(path, `cannot read the file: ${errorCode(err)}`);
    }
    const data = text === undefined ? new Dataset() : parseStoreFile(path, text);
    const removed = await removeStaleTempFiles(path).catch(() => []);
    if (removed.length > 0)
      options.logger?.warn({ removed }, 'removed temp files left by an interrupted write');
    options.logger?.info(
      { path, users: data.users.size, conferences: data.conferences.size, existed: text !== undefined },
      'store opened',
    );
    return new JsonFileStore(path, data, options.logger);
  }

  // ---- reads: straight from memory (DatasetReads) ----

  protected readable(): Dataset {
    return this.data;
  }

  health(): StoreHealth {
    return { engine: 'file', status: 'ok', since: null };
  }

  // ---- writes: planned, persisted, then applied, one at a time ----

  createUser(user: User): Promise<User> {
    return this.commit(() => this.data.planCreateUser(user));
  }
  updateUser(userName: string, change: (current: User) => User): Promise<User> {
    return this.commit(() => this.data.planUpdateUser(userName, change));
  }
  deleteUser(userName: string): Promise<void> {
    return this.commit(() => this.data.planDeleteUser(userName));
  }
  createConference(conf: Conference): Promise<Conference> {
    return this.commit(() => this.data.planCreateConference(conf));
  }
  updateConference(name: string, change: (current: Conference) => Conference): Promise<Conference> {
    return this.commit(() => this.data.planUpdateConference(name, change));
  }
  deleteConference(name: string): Promise<void> {
    return this.commit(() => this.data.planDeleteConference(name));
  }

  subscribe(listener: StoreListener): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.tail.catch(() => undefined);
  }

  private commit<T>(plan: () => Plan<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreError('store is closed'));
    const run = this.tail.then(() => this.persist(plan));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async persist<T>(makePlan: () => Plan<T>): Promise<T> {
    const plan = makePlan(); // throws on conflicts/invalid records: nothing changed
    // Serialise the would-be state, then put memory back until the file holds it.
    const undo = this.data.apply(plan.ops);
    const text = serialise(this.data);
    undo();
    try {
      await writeFileDurably(this.path, text);
    } catch (err) {
      throw new StoreWriteError(this.path, errorCode(err));
    }
    this.data.apply(plan.ops);
    this.listeners.emit(plan.changes);
    return plan.result;
  }
}

function serialise(data: Dataset): string {
  return `${JSON.stringify({ format: STORE_FORMAT, version: STORE_VERSION, ...data.toFile() }, null, 1)}\n`;
}

function parseStoreFile(path: string, text: string): Dataset {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StoreOpenError(path, `not valid JSON (${err instanceof Error ? err.message : 'parse error'})`);
  }
  const parsed = storeFileSchema.safeParse(json);
  if (!parsed.success) {
    const { path: where, message } = describeIssue(parsed.error);
    throw new StoreOpenError(path, `invalid content at ${where || 'top level'}: ${message}`);
  }
  try {
    return Dataset.fromFile(parsed.data);
  } catch (err) {
    throw new StoreOpenError(
      path,
      `inconsistent content: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

function errorCode(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ?? (err instanceof Error ? err.message : String(err));
}
