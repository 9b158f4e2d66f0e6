// `npm run demo` as a new user runs it: the banner's URL answers, the sample data is there, live
// conference state arrives from the simulator, and Ctrl-C (SIGINT) stops everything with exit 0.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('npm run demo', () => {
  it('starts, serves the sample data and stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/demo.ts'], {
      cwd: root,
      env: {
        ...process.env,
        HTTP_PORT: String(20000 + Math.floor(Math.random() * 20000)),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    /** Resolves once the demo has printed `text`; fails at once if it exits first. */
    const printed = (text: string, what: string) =>
      eventually(
        () => {
          if (child.exitCode !== null) throw new Error(`the demo exited before ${what}:\n${out}`);
          return out.includes(text);
        },
        15_000,
        what,
      );
    try {
      await printed('Ctrl-C stops the demo', 'the banner');
      // It says at once that it is starting, and the banner comes as soon as the API answers: before
      // the sample attendees have finished dialling in (their phones ring for seconds).
      expect(out.split('\n')[0]).toBe('fs-confd demo: starting a simulated FreeSWITCH and the daemon...');
      expect(out).not.toContain('sample activity running');
      const url = /the daemon is at (http:\/\/[^,\s]+)/.exec(out)![1]!;
      const auth = { Authorization: `Basic ${Buffer.from('200:demo-pass-200').toString('base64')}` };

      const conferences = await fetch(`${url}/my/conferences?format=json`, { headers: auth });
      expect(conferences.status).toBe(200);
      expect(JSON.stringify(await conferences.json())).toContain('"team"');

      // The simulated attendees dial in; /health reports the node synced.
      await eventually(async () => (await fetch(`${url}/health`)).status === 200, 5000, '/health 200');
      // then the sample activity is up behind the banner
      await printed('demo: sample activity running', 'the sample activity');
      expect(out.indexOf('Ctrl-C stops the demo')).toBeLessThan(out.indexOf('demo: sample activity running'));
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('stopping...');
  }, 30_000);
});
