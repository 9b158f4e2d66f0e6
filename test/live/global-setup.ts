// Before any live test: is there a FreeSWITCH at FS_ESL that accepts the password? If not, say so in
// one clear line and stop the run (non-zero exit), rather than letting every test time out.
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { loadConfig } from '../../src/config.js';
import type { EslNodeConfig } from '../../src/esl/client-types.js';

const TIMEOUT_MS = 5000;

/** Connects, authenticates, asks `api version`; resolves with the version line or rejects why not. */
function probe(node: EslNodeConfig): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: node.host, port: node.port });
    let buffer = '';
    let stage: 'greeting' | 'auth' | 'version' = 'greeting';
    const fail = (why: string) => {
      socket.destroy();
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail(`no answer within ${TIMEOUT_MS} ms`), TIMEOUT_MS);
    socket.on('error', (err) => fail(err.message));
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      if (stage === 'greeting' && buffer.includes('Content-Type: auth/request')) {
        buffer = '';
        stage = 'auth';
        socket.write(`auth ${node.password}\n\n`);
      } else if (stage === 'auth' && buffer.includes('Reply-Text:')) {
        if (!buffer.includes('Reply-Text: +OK')) return fail('the ESL password was refused');
        buffer = '';
        stage = 'version';
        socket.write('api version\n\n');
      } else if (stage === 'version' && /FreeSWITCH Version [^\n]*/.test(buffer)) {
        clearTimeout(timer);
        socket.end('exit\n\n');
        resolve(/FreeSWITCH Version [^\n]*/.exec(buffer)![0]);
      }
    });
  });
}

/** The phones are sipp processes (Debian: sip-tester); without it the suite cannot run. */
function checkSipp(): void {
  const sipp = process.env['SIPP'] ?? 'sipp';
  try {
    execFileSync(sipp, ['-v'], { stdio: 'pipe' });
  } catch (err) {
    // sipp -v exits non-zero on some versions but still prints its banner
    const out = String((err as { stdout?: Buffer }).stdout ?? '');
    if (!out.includes('SIPp')) {
      const message = `test:live: sipp not found (${sipp}); install Debian's sip-tester or set SIPP`;
      process.stderr.write(`${message}\n`);
      throw new Error(message, { cause: err });
    }
  }
}

export default async function setup(): Promise<void> {
  checkSipp();
  const config = loadConfig(process.env);
  for (const node of config.eslNodes) {
    try {
      const version = await probe(node);
      process.stdout.write(`test:live: ${node.id} answers (${version.trim()})\n`);
    } catch (err) {
      const message = `test:live: no FreeSWITCH answers at ${node.id} (FS_ESL): ${(err as Error).message}`;
      process.stderr.write(`${message}\n`);
      throw new Error(message, { cause: err });
    }
  }
}
