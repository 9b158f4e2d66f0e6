// npm run build: a fresh dist/ with the daemon compiled (tsconfig.build.json leaves out the simulator
// and the demo, which run from a clone through tsx) and the wallboard's static files next to it, where
// dist/http/routes/wallboard.js reads them.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
// a stale dist/ could still hold files the build no longer makes (the simulator, before it was left out)
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
cpSync(join(root, 'src', 'wallboard'), join(dist, 'wallboard'), { recursive: true });
