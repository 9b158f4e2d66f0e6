// No Docker engine runs here, so the compose file and the Dockerfiles are checked by reading them:
// every path they name exists, the ports and addresses on both sides agree, the daemon accepts the
// environment the compose file gives it, and freeswitch/README.md documents all of it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { allowListMatcher } from '../../src/net/allow-list.js';
import { FSCONFIG_PATH } from '../../src/fsconfig/app.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DOCKER = join(ROOT, 'docker');
const read = (path: string) => readFileSync(path, 'utf8');

interface Service {
  build: { context: string; dockerfile: string };
  image: string;
  environment: Record<string, string>;
  volumes: string[];
  ports: string[];
  networks: Record<string, { ipv4_address: string }>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}
interface Database {
  image: string;
  environment: Record<string, string>;
  volumes: string[];
  ports?: string[];
  networks: Record<string, { ipv4_address: string }>;
  healthcheck: { test: string[] };
}
const compose = JSON.parse(read(join(DOCKER, 'compose.json'))) as {
  services: { freeswitch: Service; daemon: Service; 'daemon-2': Service; postgres: Database };
  networks: Record<string, { ipam: { config: Array<{ subnet: string }> } }>;
  volumes: Record<string, unknown>;
};
const { freeswitch: fs, daemon, 'daemon-2': daemon2, postgres } = compose.services;
const readme = read(join(ROOT, 'freeswitch', 'README.md'));

/** Compose interpolation: `${VAR}`, `${VAR:-default}`, `${VAR:?error}`, with `$$` for a literal `$`. */
function interpolate(value: string, env: Record<string, string>): string {
  return value
    .replace(
      /\$\{([A-Z_][A-Z0-9_]*)(?::([-?])([^}]*))?\}/g,
      (_m, name: string, op?: string, arg?: string) => {
        const v = env[name];
        if (v !== undefined && v !== '') return v;
        if (op === '?') throw new Error(`compose needs ${name}: ${arg}`);
        return op === '-' ? (arg ?? '') : '';
      },
    )
    .replace(/\$\$/g, '$');
}
const OPERATOR_ENV = {
  ESL_PASSWORD: 'EslPass123',
  FSCONFIG_SECRET: 'shared-secret-0123456789',
  ADMIN_PASSWORD: 'admin-pass-1',
  POSTGRES_PASSWORD: 'PgPass123',
};
const daemonEnv = Object.fromEntries(
  Object.entries(daemon.environment).map(([k, v]) => [k, interpolate(v, OPERATOR_ENV)]),
);
const envOf = (s: { environment: Record<string, string> }) =>
  Object.fromEntries(Object.entries(s.environment).map(([k, v]) => [k, interpolate(v, OPERATOR_ENV)]));
const fsEnv = Object.fromEntries(
  Object.entries(fs.environment).map(([k, v]) => [k, interpolate(v, OPERATOR_ENV)]),
);
const ipOf = (s: Service) => Object.values(s.networks)[0]!.ipv4_address;

describe('compose.json', () => {
  it('builds both images from files that exist, from the repository root', () => {
    for (const s of [fs, daemon, daemon2]) {
      const context = resolve(DOCKER, s.build.context);
      expect(context).toBe(ROOT);
      expect(existsSync(join(context, s.build.dockerfile)), s.build.dockerfile).toBe(true);
    }
  });

  it('mounts the freeswitch/ files that exist, each onto the stock file of the same name', () => {
    const binds = fs.volumes.filter((v) => v.startsWith('.'));
    expect(binds.length).toBeGreaterThanOrEqual(3);
    for (const bind of binds) {
      const [source = '', target = '', mode] = bind.split(':');
      expect(existsSync(resolve(DOCKER, source)), source).toBe(true);
      expect(target.split('/').pop()).toBe(source.split('/').pop());
      expect(target.startsWith('/usr/local/freeswitch/conf/autoload_configs/')).toBe(true);
      expect(mode).toBe('ro');
      expect(readme).toContain(source.replace('../', ''));
    }
    for (const named of [...fs.volumes, ...daemon.volumes, ...postgres.volumes].filter(
      (v) => !v.startsWith('.'),
    ))
      expect(Object.keys(compose.volumes)).toContain(named.split(':')[0]);
  });

  it('the daemon accepts its environment, and it agrees with what FreeSWITCH is given', () => {
    const config = loadConfig(daemonEnv);
    // the ESL connection: service name, port and password FreeSWITCH listens with
    expect(config.eslNodes).toEqual([
      {
        id: `freeswitch:${fsEnv['ESL_PORT']}`,
        host: 'freeswitch',
        port: Number(fsEnv['ESL_PORT']),
        password: 'EslPass123',
      },
    ]);
    expect(fsEnv['ESL_PASSWORD']).toBe('EslPass123');
    // the fsconfig listener: the URL FreeSWITCH fetches, the secret, the allow-list holding FreeSWITCH
    const url = new URL(fsEnv['FSCONFIG_URL']!);
    expect(url.hostname).toBe('daemon');
    expect(Number(url.port)).toBe(config.fsconfig!.port);
    expect(url.pathname).toBe(FSCONFIG_PATH);
    expect(config.fsconfig!.secret).toBe(fsEnv['FSCONFIG_SECRET']);
    expect(allowListMatcher(config.fsconfig!.allow)(ipOf(fs))).toBe(true);
    expect(allowListMatcher(config.fsconfig!.allow)(ipOf(daemon))).toBe(false);
    // FreeSWITCH's ESL ACL admits the daemon (and fs_cli on localhost for the health check)
    expect(allowListMatcher(fsEnv['ESL_ACL']!.split(','))(ipOf(daemon))).toBe(true);
    expect(allowListMatcher(fsEnv['ESL_ACL']!.split(','))('127.0.0.1')).toBe(true);
    // both addresses are on the compose network
    const subnet = compose.networks[Object.keys(fs.networks)[0]!]!.ipam.config[0]!.subnet;
    for (const s of [fs, daemon]) expect(allowListMatcher([subnet])(ipOf(s))).toBe(true);
  });

  it('several daemons share one PostgreSQL: each reaches it with its credentials and FreeSWITCH admits each', () => {
    const pgEnv = envOf(postgres);
    for (const d of [daemon, daemon2]) {
      const config = loadConfig(envOf(d));
      const url = new URL(config.database!.url);
      expect(url.hostname).toBe('postgres');
      expect(url.port).toBe('5432');
      expect(url.username).toBe(pgEnv['POSTGRES_USER']);
      expect(decodeURIComponent(url.password)).toBe(pgEnv['POSTGRES_PASSWORD']);
      expect(url.pathname).toBe(`/${pgEnv['POSTGRES_DB']}`);
      expect(allowListMatcher(fsEnv['ESL_ACL']!.split(','))(ipOf(d))).toBe(true);
      expect(d.depends_on?.['postgres']).toEqual({
        condition: 'service_healthy',
      });
      // the same settings but where each listens on the compose network
      expect({ ...envOf(d), DATABASE_URL: '' }).toEqual({ ...envOf(daemon), DATABASE_URL: '' });
    }
    expect(ipOf(daemon2)).not.toBe(ipOf(daemon));
    expect(daemon2.ports).toEqual(['8081:8080']);
    // PostgreSQL is reached on the compose network only, keeps its data in a volume, reports readiness
    expect(postgres.ports).toBeUndefined();
    expect(postgres.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(postgres.healthcheck.test.join(' ')).toContain('pg_isready');
    expect(allowListMatcher(['172.28.0.0/16'])(Object.values(postgres.networks)[0]!.ipv4_address)).toBe(true);
  });

  it('publishes the API port and not the fsconfig port', () => {
    const config = loadConfig(daemonEnv);
    expect(daemon.ports).toEqual([`${config.httpPort}:${config.httpPort}`]);
    expect(daemon.ports.join()).not.toContain(String(config.fsconfig!.port));
    expect(fs.ports.some((p) => p.startsWith('5060:5060'))).toBe(true);
  });

  it('refuses to start without the secrets', () => {
    for (const missing of Object.keys(OPERATOR_ENV)) {
      const env = { ...OPERATOR_ENV, [missing]: '' };
      expect(() => Object.values(daemon.environment).map((v) => interpolate(v, env))).toThrow(missing);
    }
  });

  it('every variable is documented in freeswitch/README.md', () => {
    for (const name of [
      ...Object.keys(daemon.environment),
      ...Object.keys(fs.environment),
      ...Object.keys(postgres.environment),
    ])
      expect(readme, name).toContain(name);
    for (const m of JSON.stringify(compose).matchAll(/\$\{([A-Z_]+)/g)) expect(readme, m[1]).toContain(m[1]!);
    expect(readme).toContain('docker compose -f docker/compose.json');
  });
});

describe('Dockerfiles', () => {
  const dockerfile = read(join(DOCKER, 'Dockerfile'));
  const stages = [...dockerfile.matchAll(/^FROM\s+\S+\s+AS\s+(\w+)/gm)].map((m) => m[1]);

  it('the daemon image: multi-stage, non-root, health check on /health, the ports the daemon uses', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(final).toMatch(/^USER node$/m);
    expect(final).toMatch(/^HEALTHCHECK .*\n?.*\/health/m);
    const env = Object.fromEntries(
      [...final.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!.replace(/\\$/, '')]),
    );
    const config = loadConfig({ ...env, FSCONFIG_SECRET: 'x'.repeat(16) });
    const exposed = /^EXPOSE (.*)$/m.exec(final)![1]!.split(/\s+/).map(Number);
    expect(exposed).toEqual([config.httpPort, config.fsconfig!.port]);
    expect(config.dataDir).toBe('/data');
  });

  it('copies only paths that exist', () => {
    for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm))
      for (const source of m[1]!.split(/\s+/)) expect(existsSync(join(ROOT, source)), source).toBe(true);
    for (const m of dockerfile.matchAll(/^COPY --from=build \/app\/(\S+) /gm)) {
      const path = m[1]!;
      if (path === 'node_modules' || path === 'dist') continue;
      expect(existsSync(join(ROOT, path)), path).toBe(true);
    }
  });

  it('the image carries the build output (daemon and wallboard files), no sources, simulator or demo', () => {
    const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const copied = [...final.matchAll(/^COPY (.+)$/gm)].map((m) => m[1]!);
    expect(copied).toEqual([
      '--from=build /app/package.json ./package.json',
      '--from=build /app/node_modules ./node_modules',
      '--from=build /app/dist ./dist',
    ]);
    // dist/ is what `npm run build` makes (build-output.test.ts checks it leaves out src/sim and src/demo)
    const build = dockerfile.slice(0, dockerfile.lastIndexOf('\nFROM '));
    expect(build).toMatch(/^RUN npm run build /m);
    expect(build).toMatch(/^COPY tsconfig\.json tsconfig\.build\.json \.\/$/m);
    expect(build).toMatch(/^COPY scripts \.\/scripts$/m);
    expect(final).not.toMatch(/\bsrc\b|\bsim\b|\bdemo\b/);
  });

  it('FreeSWITCH is built with exactly the modules freeswitch/modules.conf.xml loads', () => {
    const fsDockerfile = read(join(DOCKER, 'freeswitch.Dockerfile'));
    const built = [...fsDockerfile.matchAll(/\b[a-z_]+\/(mod_[a-z0-9_]+)\b/g)].map((m) => m[1]!).sort();
    const loaded = [
      ...read(join(ROOT, 'freeswitch/autoload_configs/modules.conf.xml'))
        .replace(/<!--[\s\S]*?-->/g, '')
        .matchAll(/<load module="(mod_[a-z0-9_]+)"\/>/g),
    ]
      .map((m) => m[1]!)
      .sort();
    expect([...new Set(built)]).toEqual(loaded);
    expect(loaded).toContain('mod_xml_curl');
    expect(fsDockerfile).toContain('/usr/local/freeswitch');
  });
});

describe('freeswitch/ files', () => {
  const files = ['event_socket.conf.xml', 'xml_curl.conf.xml', 'modules.conf.xml'];
  it.each(files)('%s is well-formed XML with one configuration', (name) => {
    const text = read(join(ROOT, 'freeswitch/autoload_configs', name));
    expect(XMLValidator.validate(`<root>${text}</root>`)).toBe(true);
    expect(text.match(/<configuration name="/g)).toHaveLength(1);
  });

  it('the environment they read is what compose gives FreeSWITCH, and documented', () => {
    const used = new Set<string>();
    for (const name of files)
      for (const m of read(join(ROOT, 'freeswitch/autoload_configs', name)).matchAll(/printenv ([A-Z_]+)/g))
        used.add(m[1]!);
    expect([...used].sort()).toEqual(Object.keys(fs.environment).sort());
    for (const name of used) expect(readme).toContain(name);
  });

  it('xml_curl.conf.xml sends the credentials the daemon checks to the path it serves', () => {
    const text = read(join(ROOT, 'freeswitch/autoload_configs/xml_curl.conf.xml'));
    expect(text).toContain('value="freeswitch:$${daemon_fsconfig_secret}"');
    expect(text).toContain(
      `http://127.0.0.1:${loadConfig({ FSCONFIG_SECRET: 'x'.repeat(16) }).fsconfig!.port}${FSCONFIG_PATH}`,
    );
    expect(text).toContain('bindings="directory|dialplan|configuration"');
  });
});
