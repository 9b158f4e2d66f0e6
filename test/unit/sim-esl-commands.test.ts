import { describe, expect, it } from 'vitest';
import {
  EslCommandReader,
  EslCommandTooLargeError,
  headerOf,
  MAX_COMMAND_BYTES,
  splitFirstWord,
} from '../../src/sim/esl-commands.js';

const push = (reader: EslCommandReader, text: string) => reader.push(Buffer.from(text, 'utf8'));

describe('ESL command reader (read_packet framing)', () => {
  it('reads commands ending in a blank line, with headers', () => {
    const reader = new EslCommandReader();
    expect(push(reader, 'auth ClueCon\n\nbgapi status\nJob-UUID: abc\n\n')).toEqual([
      { line: 'auth ClueCon', headers: [] },
      { line: 'bgapi status', headers: [['Job-UUID', 'abc']] },
    ]);
    expect(reader.pendingBytes).toBe(0);
  });

  it('gives the same commands whatever the chunking, one byte at a time included', () => {
    const text = 'api status\n\nevent plain ALL\n\nbgapi version\nJob-UUID:   x-1\n\n';
    const whole = push(new EslCommandReader(), text);
    const reader = new EslCommandReader();
    const pieces = [...text].flatMap((ch) => push(reader, ch));
    expect(pieces).toEqual(whole);
    expect(whole[2]!.headers).toEqual([['Job-UUID', 'x-1']]);
  });

  it('accepts CRLF, skips blank lines before a command, and keeps a partial command pending', () => {
    const reader = new EslCommandReader();
    expect(push(reader, '\r\n\n\napi status\r\n\r\nexit\n')).toEqual([{ line: 'api status', headers: [] }]);
    expect(reader.pendingBytes).toBe(5);
    expect(push(reader, '\n')).toEqual([{ line: 'exit', headers: [] }]);
  });

  it('reads a body announced by Content-Length, in bytes', () => {
    const reader = new EslCommandReader();
    expect(push(reader, 'sendevent CUSTOM\nContent-Length: 6\n\nJosé')).toEqual([]);
    expect(push(reader, 'Xapi status\n\n')).toEqual([
      { line: 'sendevent CUSTOM', headers: [['Content-Length', '6']], body: 'JoséX' },
      { line: 'api status', headers: [] },
    ]);
  });

  it('a NUL ends the line like a C string; a header line without a colon is ignored', () => {
    const reader = new EslCommandReader();
    expect(push(reader, 'api status\0\nsecond\n\nnope\nA: b\0c\n\n')).toEqual([
      { line: 'api status', headers: [] },
      { line: 'nope', headers: [['A', 'b']] },
    ]);
  });

  it('refuses a command that never ends, or an oversized body', () => {
    const reader = new EslCommandReader();
    expect(() => reader.push(Buffer.alloc(MAX_COMMAND_BYTES + 1, 0x61))).toThrow(EslCommandTooLargeError);
    expect(() => push(new EslCommandReader(), 'x\nContent-Length: 99999999\n\n')).toThrow(
      EslCommandTooLargeError,
    );
  });

  it('headerOf is case-insensitive; splitFirstWord tells "no argument" from "empty argument"', () => {
    const command = { line: 'bgapi status', headers: [['job-uuid', 'u1'] as [string, string]] };
    expect(headerOf(command, 'Job-UUID')).toBe('u1');
    expect(headerOf(command, 'Other')).toBeUndefined();
    expect(splitFirstWord('status')).toEqual({ word: 'status', rest: undefined });
    expect(splitFirstWord('status ')).toEqual({ word: 'status', rest: '' });
    expect(splitFirstWord('conference demo list')).toEqual({ word: 'conference', rest: 'demo list' });
  });
});
