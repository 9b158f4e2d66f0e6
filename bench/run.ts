// `npm run bench`: every benchmark, each reported as a ratio against a baseline measured in the same
// run. Results are recorded by hand in bench/RESULTS.md together with the machine they ran on.
import os from 'node:os';
import { benchActiveCdrs } from './activecdrs.js';
import { benchAttack } from './auth-attack.js';
import { benchCommands } from './commands.js';
import { benchIngest } from './ingest.js';
import { benchMemory } from './memory.js';
import { benchResync } from './resync.js';
import { benchSharedLogins } from './shared-logins.js';
import { benchStore } from './store.js';
import { benchFanout } from './ws-fanout.js';

const only = process.argv.slice(2);
const suites: Array<[string, () => Promise<string[]>]> = [
  ['ingest', benchIngest],
  ['memory', benchMemory],
  ['resync', benchResync],
  ['commands', benchCommands],
  ['activecdrs', benchActiveCdrs],
  ['fanout', benchFanout],
  ['logins', benchAttack],
  ['store', benchStore],
  ['shared-logins', benchSharedLogins],
];

console.log(
  `# fs-confd benchmarks — node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}`,
);
const lines: string[] = [];
for (const [name, run] of suites) {
  if (only.length > 0 && !only.includes(name)) continue;
  lines.push(...(await run()));
}
console.log('\n| measure | result | goal | |\n| --- | --- | --- | --- |');
for (const line of lines) console.log(line);
process.exit(0);
