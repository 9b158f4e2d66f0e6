// Configuration from the environment, validated once at start-up.
// A wrong value throws a ConfigError whose message is one line naming the variable.
import { compileDialPolicy } from './domain/dial-policy.js';
import { isSafeAbsoluteDir } from './domain/sounds.js';
import type { EslNodeConfig } from './esl/client-types.js';
import type { FsconfigListenerConfig } from './fsconfig/server.js';
import { parseAllowList } from './net/allow-list.js';
import type { DatabaseConfig } from './store/open-store.js';

export interface Config {
  httpHost: string;
  httpPort: number;
  /** HTTP_MAX_CONNECTIONS(_PER_ADDRESS); undefined: derived from the open-file limit at start. */
  httpMaxConnections: number | undefined;
  httpMaxConnectionsPerAddress: number | undefined;
  eslNodes: EslNodeConfig[];
  /** SIP domain of the users; undefined means "ask the node for its `domain` variable". */
  fsDomain: string | undefined;
  dataDir: string;
  adminUser: string | undefined;
  adminPassword: string | undefined;
  logLevel: LogLevel;
  /** How long an ESL api/bgapi request may wait for its reply. */
  eslRequestTimeoutMs: number;
  /** FreeSWITCH's sound directory: `play` accepts only names relative to it. */
  soundDir: string;
  /** Where conference recordings started through the API are written (on the FreeSWITCH host). */
  recordingsDir: string;
  /** Admin allow-list for dial/bgdial/click-to-call destinations other than known users. */
  dialAllow: readonly string[];
  /** FreeSWITCH conference profile used for the daemon's conferences. */
  conferenceProfile: string;
  /** Dialplan context click-to-call sends the answered leg through. */
  dialplanContext: string;
  /** Sofia profile that carries calls to SIP hosts outside FS_DOMAIN. */
  sipProfile: string;
  /** How long a click-to-call rings the user's own phone. */
  originateTimeoutS: number;
  /** Click-to-call calls one user may place per minute (toll-fraud limit). */
  callsPerMinute: number;
  /** GET /metrics without credentials (for a Prometheus on a trusted network); admin-only otherwise. */
  metricsOpen: boolean;
  /** Proxies (addresses/CIDRs) whose X-Forwarded-For is believed for the client address; empty: none. */
  trustedProxies: readonly string[];
  /** The listener FreeSWITCH's mod_xml_curl fetches configuration from; undefined (off) without FSCONFIG_SECRET. */
  fsconfig: FsconfigListenerConfig | undefined;
  /** The shared PostgreSQL store (several daemons); undefined: the embedded store in DATA_DIR. */
  database: DatabaseConfig | undefined;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const HOST_RE =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]+)$/;
const DOMAIN_RE = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})$/;

function parsePort(variable: string, raw: string): number {
  if (!/^\d{1,5}$/.test(raw)) throw new ConfigError(variable, `expected a port number 1-65535, got "${raw}"`);
  const port = Number(raw);
  if (port < 1 || port > 65535)
    throw new ConfigError(variable, `expected a port number 1-65535, got "${raw}"`);
  return port;
}

function parseHost(variable: string, raw: string): string {
  if (!HOST_RE.test(raw) || raw.length > 253)
    throw new ConfigError(variable, `not a host name or address: "${raw}"`);
  return raw.startsWith('[') ? raw.slice(1, -1) : raw;
}

/** Parses one `esl://:PASSWORD@HOST:PORT` entry. The password never appears in an error. */
export function parseEslUrl(entry: string, variable = 'FS_ESL'): EslNodeConfig {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw new ConfigError(variable, 'each entry must look like esl://:PASSWORD@HOST:PORT');
  }
  if (url.protocol !== 'esl:') throw new ConfigError(variable, 'each entry must start with esl://');
  if (url.pathname && url.pathname !== '/' && url.pathname !== '')
    throw new ConfigError(variable, 'an entry must not have a path');
  const password = decodeURIComponent(url.password);
  if (!password) throw new ConfigError(variable, 'an entry has no password (esl://:PASSWORD@HOST:PORT)');
  if (/[\r\n\0\s]/.test(password)) throw new ConfigError(variable, 'a password must not contain white space');
  const host = parseHost(variable, url.hostname);
  const port = url.port ? parsePort(variable, url.port) : 8021;
  return { id: `${host}:${port}`, host, port, password };
}

function parseIntIn(variable: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw)) throw new ConfigError(variable, `expected a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(variable, `expected ${min}-${max}, got ${n}`);
  return n;
}

export function loadConfig(env: Env = process.env): Config {
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };

  const httpHost = parseHost('HTTP_HOST', get('HTTP_HOST') ?? '127.0.0.1');
  const httpPort = parsePort('HTTP_PORT', get('HTTP_PORT') ?? '8080');
  const optionalInt = (name: string, min: number) => {
    const raw = get(name);
    return raw === undefined ? undefined : parseIntIn(name, raw, min, 1_000_000);
  };
  const httpMaxConnections = optionalInt('HTTP_MAX_CONNECTIONS', 16);
  const httpMaxConnectionsPerAddress = optionalInt('HTTP_MAX_CONNECTIONS_PER_ADDRESS', 1);

  const eslRaw = get('FS_ESL') ?? 'esl://:ClueCon@127.0.0.1:8021';
  const eslNodes = eslRaw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => parseEslUrl(s));
  if (eslNodes.length === 0) throw new ConfigError('FS_ESL', 'names no FreeSWITCH node');
  const ids = new Set<string>();
  for (const n of eslNodes) {
    if (ids.has(n.id)) throw new ConfigError('FS_ESL', `node ${n.id} is listed twice`);
    ids.add(n.id);
  }

  const fsDomain = get('FS_DOMAIN');
  if (fsDomain !== undefined && !DOMAIN_RE.test(fsDomain))
    throw new ConfigError('FS_DOMAIN', `not a SIP domain: "${fsDomain}"`);

  const dataDir = get('DATA_DIR') ?? './data';
  if (dataDir.includes('\0')) throw new ConfigError('DATA_DIR', 'contains a NUL byte');

  const adminUser = get('ADMIN_USER');
  const adminPassword = env['ADMIN_PASSWORD'] === '' ? undefined : env['ADMIN_PASSWORD'];
  if (adminUser !== undefined && (!/^[A-Za-z0-9._-]{1,64}$/.test(adminUser) || /^\.{1,2}$/.test(adminUser)))
    throw new ConfigError('ADMIN_USER', "must match [A-Za-z0-9._-]{1,64} and not be '.' or '..'");
  if ((adminUser === undefined) !== (adminPassword === undefined))
    throw new ConfigError(
      adminUser === undefined ? 'ADMIN_USER' : 'ADMIN_PASSWORD',
      'ADMIN_USER and ADMIN_PASSWORD go together',
    );
  if (adminPassword !== undefined && adminPassword.length < 8)
    throw new ConfigError('ADMIN_PASSWORD', 'must be at least 8 characters');

  const logLevelRaw = get('LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevelRaw))
    throw new ConfigError('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}, got "${logLevelRaw}"`);

  const eslRequestTimeoutMs = parseIntIn('ESL_TIMEOUT_MS', get('ESL_TIMEOUT_MS') ?? '5000', 100, 600_000);

  const soundDir = absoluteDir('SOUNDS_DIR', get('SOUNDS_DIR') ?? '/usr/share/freeswitch/sounds');
  const recordingsDir = absoluteDir(
    'RECORDINGS_DIR',
    get('RECORDINGS_DIR') ?? '/var/lib/freeswitch/recordings',
  );
  const dialAllow = (get('DIAL_ALLOW') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const policy = compileDialPolicy(dialAllow);
  if (!policy.ok) throw new ConfigError('DIAL_ALLOW', policy.error);
  const conferenceProfile = word('CONFERENCE_PROFILE', get('CONFERENCE_PROFILE') ?? 'default');
  const dialplanContext = word('DIALPLAN_CONTEXT', get('DIALPLAN_CONTEXT') ?? 'default');
  const sipProfile = word('SIP_PROFILE', get('SIP_PROFILE') ?? 'external');
  const originateTimeoutS = parseIntIn('ORIGINATE_TIMEOUT_S', get('ORIGINATE_TIMEOUT_S') ?? '30', 5, 300);
  const callsPerMinute = parseIntIn('CALLS_PER_MINUTE', get('CALLS_PER_MINUTE') ?? '10', 1, 10_000);
  const metricsOpenRaw = get('METRICS_OPEN') ?? 'false';
  if (metricsOpenRaw !== 'true' && metricsOpenRaw !== 'false')
    throw new ConfigError('METRICS_OPEN', `expected true or false, got "${metricsOpenRaw}"`);
  const trusted = parseAllowList(get('TRUSTED_PROXIES') ?? '');
  if (!trusted.ok) throw new ConfigError('TRUSTED_PROXIES', trusted.error);
  const fsconfig = fsconfigListener(get);
  const database = databaseConfig(get);

  return {
    httpHost,
    httpPort,
    httpMaxConnections,
    httpMaxConnectionsPerAddress,
    eslNodes,
    fsDomain,
    dataDir,
    adminUser,
    adminPassword,
    logLevel: logLevelRaw as LogLevel,
    eslRequestTimeoutMs,
    soundDir,
    recordingsDir,
    dialAllow,
    conferenceProfile,
    dialplanContext,
    sipProfile,
    originateTimeoutS,
    callsPerMinute,
    metricsOpen: metricsOpenRaw === 'true',
    trustedProxies: trusted.entries,
    fsconfig,
    database,
  };
}

function databaseConfig(get: (name: string) => string | undefined): DatabaseConfig | undefined {
  const poolSize = parseIntIn('DATABASE_POOL_SIZE', get('DATABASE_POOL_SIZE') ?? '5', 1, 100);
  const timeoutMs = parseIntIn('DATABASE_TIMEOUT_MS', get('DATABASE_TIMEOUT_MS') ?? '5000', 100, 600_000);
  const staleReadsS = parseIntIn('DATABASE_STALE_READS_S', get('DATABASE_STALE_READS_S') ?? '300', 0, 86_400);
  const url = get('DATABASE_URL');
  if (url === undefined) return undefined;
  // The value itself never appears in an error: it holds the password.
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('DATABASE_URL', 'expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    throw new ConfigError('DATABASE_URL', 'must start with postgresql:// (or postgres://)');
  if (parsed.pathname.length <= 1)
    throw new ConfigError(
      'DATABASE_URL',
      'names no database (postgresql://USER:PASSWORD@HOST:PORT/DATABASE)',
    );
  if (/[\r\n\0]/.test(url)) throw new ConfigError('DATABASE_URL', 'contains a control character');
  return { url, poolSize, timeoutMs, staleReadsMs: staleReadsS * 1000 };
}

/** 16-256 printable ASCII characters without spaces: it travels in an HTTP Basic header and an XML value. */
const FSCONFIG_SECRET_RE = /^[\x21-\x7e]{16,256}$/;

function fsconfigListener(get: (name: string) => string | undefined): FsconfigListenerConfig | undefined {
  const host = parseHost('FSCONFIG_HOST', get('FSCONFIG_HOST') ?? '127.0.0.1');
  const port = parsePort('FSCONFIG_PORT', get('FSCONFIG_PORT') ?? '8090');
  const allowed = parseAllowList(get('FSCONFIG_ALLOW') ?? '');
  if (!allowed.ok) throw new ConfigError('FSCONFIG_ALLOW', allowed.error);
  const secret = get('FSCONFIG_SECRET');
  if (secret === undefined) return undefined;
  // The value itself never appears in the error.
  if (!FSCONFIG_SECRET_RE.test(secret))
    throw new ConfigError('FSCONFIG_SECRET', 'expected 16-256 printable ASCII characters without spaces');
  return { host, port, secret, allow: allowed.entries };
}

function absoluteDir(variable: string, raw: string): string {
  if (!isSafeAbsoluteDir(raw))
    throw new ConfigError(variable, `expected an absolute directory of plain path segments, got "${raw}"`);
  return raw.endsWith('/') ? raw.slice(0, -1) : raw;
}

/** Names that end up inside dial strings and ESL command lines: one plain word. */
function word(variable: string, raw: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw))
    throw new ConfigError(variable, `expected [A-Za-z0-9_-]{1,64}, got "${raw}"`);
  return raw;
}
