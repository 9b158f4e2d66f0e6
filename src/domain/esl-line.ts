// The one place an ESL argv becomes a command line. Every argument was validated by its grammar
// before; this checks again (defence in depth), because a CR or LF here would end the ESL command and
// start another one, and an unbalanced `{`/`[` would change how FreeSWITCH reads a dial string.
import { hasControlChars } from './url-decoding.js';

export class UnsafeEslLineError extends Error {
  constructor(reason: string) {
    super(`refusing to build ESL line: ${reason}`);
    this.name = 'UnsafeEslLineError';
  }
}

export const MAX_ESL_LINE = 8192;

function bracketsBalanced(line: string): boolean {
  const closes: Record<string, string> = { '}': '{', ']': '[' };
  const stack: string[] = [];
  for (const ch of line) {
    if (ch === '{' || ch === '[') stack.push(ch);
    else if (ch === '}' || ch === ']') {
      if (stack.pop() !== closes[ch]) return false;
    }
  }
  return stack.length === 0;
}

/**
 * Joins validated arguments with single spaces, e.g. ['conference', 'demo', 'mute', '13'] →
 * `conference demo mute 13` (the caller sends it as `api <line>`). Throws UnsafeEslLineError on an
 * empty argument, an argument with leading/trailing spaces, any control character, unbalanced braces
 * or brackets, or an absurd length: all of these mean a grammar upstream has a bug.
 */
export function toEslLine(args: readonly string[]): string {
  if (args.length === 0) throw new UnsafeEslLineError('no arguments');
  for (const arg of args) {
    if (typeof arg !== 'string' || arg.length === 0) throw new UnsafeEslLineError('empty argument');
    if (arg.trim() !== arg) throw new UnsafeEslLineError('argument with surrounding white space');
  }
  const line = args.join(' ');
  if (hasControlChars(line)) throw new UnsafeEslLineError('control character');
  if (!bracketsBalanced(line)) throw new UnsafeEslLineError('unbalanced braces or brackets');
  if (line.length > MAX_ESL_LINE) throw new UnsafeEslLineError('line too long');
  return line;
}
