// `npm run demo`: a simulated FreeSWITCH with sample users, conferences and activity, and the daemon
// against it, so the whole API can be tried with no PBX. It says at once that it is starting, prints
// its banner as soon as the API answers, and lets the sample activity (people dialling in, which takes
// a few seconds of ringing) start behind it. Ctrl-C stops both.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config.js';
import { startDaemon } from '../daemon.js';
import { createLogger } from '../log.js';
import type { Reachability, SimUser } from '../sim/model/config.js';
import { fileRecordingSink } from '../sim/recording-files.js';
import { startSimulatedFreeswitch } from '../sim/start.js';
import { JsonFileStore } from '../store/json-file-store.js';
import { DemoActivity } from '../demo/activity.js';
import { DEMO_ADMIN, DEMO_CONFERENCES, DEMO_USERS, seedDemoData } from '../demo/sample-data.js';

const DOMAIN = 'demo.local';

/** Resolves once the API answers (any status): the banner's curl lines work from then on. */
async function apiAnswers(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await fetch(`${url}/health`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function main(): Promise<void> {
  console.log('fs-confd demo: starting a simulated FreeSWITCH and the daemon...');
  // The demo's own data lives in a temporary directory unless DATA_DIR says otherwise.
  const tempDir = process.env['DATA_DIR'] ? undefined : await mkdtemp(path.join(tmpdir(), 'fs-confd-demo-'));
  // The simulated FreeSWITCH writes its conference recordings where the daemon lists and serves them.
  const recordingsDir = process.env['RECORDINGS_DIR'] ?? path.join(tempDir ?? tmpdir(), 'recordings');
  await mkdir(recordingsDir, { recursive: true });
  const users: Record<string, SimUser> = {};
  const reachability: Record<string, Reachability> = {};
  DEMO_USERS.forEach((u, i) => {
    const contact = `192.0.2.${10 + i}:5060`;
    users[u.userName] = { contact };
    // Phones answer after a ring of one to two seconds.
    reachability[contact] = { kind: 'answer', afterMs: 1000 + i * 200 };
  });
  const dialplan = Object.fromEntries(
    DEMO_CONFERENCES.map((c) => [
      c.extension,
      { kind: 'conference' as const, name: c.name, profile: 'default' },
    ]),
  );
  const sim = await startSimulatedFreeswitch({
    domain: DOMAIN,
    users,
    reachability,
    dialplan,
    recordingSink: fileRecordingSink(),
  });

  let config;
  try {
    config = loadConfig({
      ...process.env,
      FS_ESL: sim.eslUrl,
      FS_DOMAIN: DOMAIN,
      DATA_DIR: process.env['DATA_DIR'] ?? tempDir,
      RECORDINGS_DIR: recordingsDir,
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`demo: configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const store = await JsonFileStore.open(config.dataDir, { logger });
  await seedDemoData(store, DOMAIN);
  let daemon;
  try {
    daemon = await startDaemon({ config, logger, store });
  } catch (err) {
    console.error(`demo: cannot start the daemon: ${(err as Error).message}`);
    console.error('demo: is another program using the port? Try HTTP_PORT=8090 npm run demo');
    await sim.close();
    process.exit(1);
  }
  const url = daemon.url;
  await apiAnswers(url);
  const [alice, bob] = DEMO_USERS;
  const a = `${alice!.userName}:${alice!.password}`;
  console.log(`
fs-confd demo: the daemon is at ${url}, talking to a simulated FreeSWITCH on ${sim.host}:${sim.port}.

Users 200-205 (password demo-pass-<user>, e.g. ${a}), admin ${DEMO_ADMIN.userName}:${DEMO_ADMIN.password}.
Conferences: ${DEMO_CONFERENCES.map((c) => `${c.name} (ext ${c.extension}, owner ${c.owner})`).join(', ')}.
People join, talk and leave; calls come and go.

Try:
  curl ${url}/health
  curl -u ${a} ${url}/my/conferences
  curl -u ${a} -H 'Accept: application/json' ${url}/my/conferencedetails/team
  curl -u ${a} -X PUT '${url}/my/conference/team/lock'
  curl -u ${a} -X PUT '${url}/my/conference/team/mute&all'
  curl -u ${a} -X PUT ${url}/my/call/${bob!.userName}
  curl -u ${a} '${url}/my/activecdrs?format=json'
  curl -u ${a} -X PUT ${url}/my/activecdrs/<uuid>/hold     (also /resume, /hangup, /transfer/3001)
  curl -u ${a} -H 'Accept: application/json' ${url}/my/activeconferences
  curl -u ${a} ${url}/my/conferences/team/recordings
  curl -u ${DEMO_ADMIN.userName}:${DEMO_ADMIN.password} ${url}/api/users
  Wallboard: ${url}/wallboard (log in as ${DEMO_ADMIN.userName})

Ctrl-C stops the demo.`);

  // People dial in (each phone rings a second or two first): behind the banner, not before it.
  const activity = new DemoActivity(sim);
  activity.start().then(
    () => console.log('demo: sample activity running (people in team and sales, calls coming and going)'),
    (err: unknown) => console.error(`demo: sample activity stopped: ${(err as Error).message}`),
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping...');
    activity.stop();
    await daemon.stop();
    await sim.close();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

void main();
