import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseEslUrl } from '../../src/config.js';

describe('configuration from the environment', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      httpHost: '127.0.0.1',
      httpPort: 8080,
      dataDir: './data',
      logLevel: 'info',
      fsDomain: undefined,
      conferenceProfile: 'default',
      dialAllow: [],
      httpMaxConnections: undefined,
      httpMaxConnectionsPerAddress: undefined,
    });
    expect(c.eslNodes).toEqual([
      { id: '127.0.0.1:8021', host: '127.0.0.1', port: 8021, password: 'ClueCon' },
    ]);
  });

  it('reads the HTTP connection caps (derived from the open-file limit when unset)', () => {
    const c = loadConfig({ HTTP_MAX_CONNECTIONS: '500', HTTP_MAX_CONNECTIONS_PER_ADDRESS: '50' });
    expect([c.httpMaxConnections, c.httpMaxConnectionsPerAddress]).toEqual([500, 50]);
  });

  it('TRUSTED_PROXIES: none by default; addresses and CIDR ranges, IPv4 and IPv6', () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.5, 172.16.0.0/12,::1' }).trustedProxies).toEqual([
      '10.0.0.5',
      '172.16.0.0/12',
      '::1',
    ]);
  });

  it('reads several FreeSWITCH nodes', () => {
    const c = loadConfig({ FS_ESL: 'esl://:a@fs1:8021, esl://:b%40c@10.0.0.2:9000' });
    expect(c.eslNodes.map((n) => [n.id, n.password])).toEqual([
      ['fs1:8021', 'a'],
      ['10.0.0.2:9000', 'b@c'],
    ]);
  });

  const bad: Array<[Record<string, string>, string]> = [
    [{ HTTP_PORT: '99999' }, 'HTTP_PORT'],
    [{ HTTP_PORT: 'eighty' }, 'HTTP_PORT'],
    [{ HTTP_HOST: 'bad host' }, 'HTTP_HOST'],
    [{ FS_ESL: 'http://x:1' }, 'FS_ESL'],
    [{ FS_ESL: 'esl://fs1:8021' }, 'FS_ESL'],
    [{ FS_ESL: 'esl://:a@fs1:8021,esl://:b@fs1:8021' }, 'FS_ESL'],
    [{ FS_DOMAIN: 'a b' }, 'FS_DOMAIN'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ ADMIN_USER: 'admin' }, 'ADMIN_PASSWORD'],
    [{ ADMIN_PASSWORD: 'long-enough-1' }, 'ADMIN_USER'],
    [{ ADMIN_USER: 'admin', ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD'],
    [{ ADMIN_USER: '..', ADMIN_PASSWORD: 'long-enough-1' }, 'ADMIN_USER'],
    [{ HTTP_MAX_CONNECTIONS: 'many' }, 'HTTP_MAX_CONNECTIONS'],
    [{ HTTP_MAX_CONNECTIONS: '3' }, 'HTTP_MAX_CONNECTIONS'],
    [{ HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0' }, 'HTTP_MAX_CONNECTIONS_PER_ADDRESS'],
    [{ SOUNDS_DIR: 'relative/dir' }, 'SOUNDS_DIR'],
    [{ RECORDINGS_DIR: '/var/../etc' }, 'RECORDINGS_DIR'],
    [{ DIAL_ALLOW: 'sofia/gw/{x}' }, 'DIAL_ALLOW'],
    [{ CONFERENCE_PROFILE: 'a b' }, 'CONFERENCE_PROFILE'],
    [{ ORIGINATE_TIMEOUT_S: '1' }, 'ORIGINATE_TIMEOUT_S'],
    [{ ESL_TIMEOUT_MS: '-1' }, 'ESL_TIMEOUT_MS'],
    [{ METRICS_OPEN: 'yes' }, 'METRICS_OPEN'],
    [{ FSCONFIG_PORT: '0' }, 'FSCONFIG_PORT'],
    [{ FSCONFIG_HOST: 'two words' }, 'FSCONFIG_HOST'],
    [{ FSCONFIG_SECRET: 'short' }, 'FSCONFIG_SECRET'],
    [{ FSCONFIG_SECRET: 'has a space in the middle' }, 'FSCONFIG_SECRET'],
    [{ FSCONFIG_ALLOW: '10.0.0.0/33' }, 'FSCONFIG_ALLOW'],
    [{ FSCONFIG_ALLOW: '127.0.0.1, freeswitch' }, 'FSCONFIG_ALLOW'],
    [{ TRUSTED_PROXIES: 'proxy.example' }, 'TRUSTED_PROXIES'],
    [{ TRUSTED_PROXIES: '10.0.0.0/40' }, 'TRUSTED_PROXIES'],
  ];
  for (const [env, variable] of bad) {
    it(`a wrong ${variable} stops start-up with one line naming it`, () => {
      let error: unknown;
      try {
        loadConfig(env);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as Error).message.startsWith(`${variable}: `)).toBe(true);
      expect((error as Error).message).not.toContain('\n');
    });
  }

  it('never puts the ESL password in an error', () => {
    expect(() => parseEslUrl('esl://:s3cret@bad host:1')).toThrow(ConfigError);
    try {
      parseEslUrl('esl://:s3cret@bad host:1');
    } catch (err) {
      expect((err as Error).message).not.toContain('s3cret');
    }
  });

  it('the fsconfig listener is off without FSCONFIG_SECRET and described by four variables with it', () => {
    expect(loadConfig({}).fsconfig).toBeUndefined();
    expect(loadConfig({ FSCONFIG_SECRET: 'x'.repeat(16) }).fsconfig).toEqual({
      host: '127.0.0.1',
      port: 8090,
      secret: 'x'.repeat(16),
      allow: [],
    });
    expect(
      loadConfig({
        FSCONFIG_SECRET: 'S3cret-Shared-With-FS',
        FSCONFIG_HOST: '0.0.0.0',
        FSCONFIG_PORT: '9001',
        FSCONFIG_ALLOW: '172.28.0.0/16, ::1',
      }).fsconfig,
    ).toEqual({
      host: '0.0.0.0',
      port: 9001,
      secret: 'S3cret-Shared-With-FS',
      allow: ['172.28.0.0/16', '::1'],
    });
  });

  it('never puts the fsconfig secret in an error', () => {
    const secret = 'tab\tinside-a-long-secret';
    expect(() => loadConfig({ FSCONFIG_SECRET: secret })).toThrow(ConfigError);
    try {
      loadConfig({ FSCONFIG_SECRET: secret });
    } catch (err) {
      expect((err as Error).message).not.toContain('inside-a-long-secret');
    }
  });

  it('DATABASE_URL selects the shared PostgreSQL store, tuned by three variables', () => {
    expect(loadConfig({}).database).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgresql://fs:pw@db.example:5432/fs_confd' }).database).toEqual({
      url: 'postgresql://fs:pw@db.example:5432/fs_confd',
      poolSize: 5,
      timeoutMs: 5000,
      staleReadsMs: 300_000,
    });
    expect(
      loadConfig({
        DATABASE_URL: 'postgres:///fs_confd?host=/run/postgresql',
        DATABASE_POOL_SIZE: '10',
        DATABASE_TIMEOUT_MS: '2000',
        DATABASE_STALE_READS_S: '0',
      }).database,
    ).toMatchObject({ poolSize: 10, timeoutMs: 2000, staleReadsMs: 0 });
    for (const [env, variable] of [
      [{ DATABASE_URL: 'mysql://fs:pw@db/fs' }, 'DATABASE_URL'],
      [{ DATABASE_URL: 'postgresql://fs:pw@db:5432' }, 'DATABASE_URL'],
      [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
      [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE'],
      [{ DATABASE_STALE_READS_S: '-1' }, 'DATABASE_STALE_READS_S'],
      [{ DATABASE_TIMEOUT_MS: '10' }, 'DATABASE_TIMEOUT_MS'],
    ] as const)
      expect(() => loadConfig(env), variable).toThrow(new RegExp(`^${variable}: `));
  });

  it('never puts the database password in an error', () => {
    for (const url of ['mysql://fs:Secret-Db-Pw@db/fs', 'postgresql://fs:Secret-Db-Pw@db:5432']) {
      try {
        loadConfig({ DATABASE_URL: url });
        expect.unreachable();
      } catch (err) {
        expect((err as Error).message).not.toContain('Secret-Db-Pw');
      }
    }
  });
});
