import { describe, expect, it } from 'vitest';
import { assertSafeCommand, buildEventSubscription, MAX_COMMAND_BYTES } from '../../src/esl/command-guard.js';
import { EslUnsafeCommandError } from '../../src/esl/errors.js';

describe('assertSafeCommand', () => {
  it('accepts ordinary command lines', () => {
    for (const c of [
      'status',
      'conference demo list',
      'originate {origination_uuid=x,origination_caller_id_name=Jos\u00e9}user/1000 &park()',
      'conference demo play tone_stream://%(1500,0,800)',
    ])
      expect(() => assertSafeCommand(c)).not.toThrow();
  });

  it.each([
    ['LF', 'status\nbgapi originate user/1000 &park()'],
    ['CR', 'status\r'],
    ['NUL', 'sta\0tus'],
    ['CRLF at the end', 'status\r\n'],
    ['a lone LF', '\n'],
  ])('refuses a command with %s', (_what, command) => {
    expect(() => assertSafeCommand(command)).toThrow(EslUnsafeCommandError);
  });

  it('does not echo the command in the error (it may carry user input)', () => {
    try {
      assertSafeCommand('secret-stuff\nmore');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain('secret-stuff');
      expect((err as Error).message).toContain('LF at index 12');
    }
  });

  it('refuses empty, blank, leading-space, non-string and oversized commands', () => {
    expect(() => assertSafeCommand('')).toThrow(EslUnsafeCommandError);
    expect(() => assertSafeCommand('   ')).toThrow(EslUnsafeCommandError);
    expect(() => assertSafeCommand(' status')).toThrow(EslUnsafeCommandError);
    expect(() => assertSafeCommand(42)).toThrow(EslUnsafeCommandError);
    expect(() => assertSafeCommand('x'.repeat(MAX_COMMAND_BYTES + 1))).toThrow(EslUnsafeCommandError);
    expect(() => assertSafeCommand('x'.repeat(MAX_COMMAND_BYTES))).not.toThrow();
  });
});

describe('buildEventSubscription', () => {
  it('puts plain names first, then BACKGROUND_JOB, HEARTBEAT and SHUTDOWN, CUSTOM subclasses last', () => {
    expect(
      buildEventSubscription(['CHANNEL_CREATE', 'CUSTOM conference::maintenance', 'CHANNEL_HANGUP_COMPLETE']),
    ).toBe(
      'CHANNEL_CREATE CHANNEL_HANGUP_COMPLETE BACKGROUND_JOB HEARTBEAT SHUTDOWN CUSTOM conference::maintenance',
    );
  });

  it('keeps a required event where it was given and drops duplicates', () => {
    expect(buildEventSubscription(['HEARTBEAT', 'BACKGROUND_JOB', 'channel_create', 'CHANNEL_CREATE'])).toBe(
      'HEARTBEAT BACKGROUND_JOB CHANNEL_CREATE SHUTDOWN',
    );
    expect(buildEventSubscription(['ALL'])).toBe('ALL');
  });

  it('merges several CUSTOM entries', () => {
    expect(buildEventSubscription(['CUSTOM a::b', 'CUSTOM c::d a::b'])).toBe(
      'BACKGROUND_JOB HEARTBEAT SHUTDOWN CUSTOM a::b c::d',
    );
  });

  it('refuses words that could break the command line', () => {
    expect(() => buildEventSubscription(['CHANNEL_CREATE\nexit'])).toThrow(EslUnsafeCommandError);
    expect(() => buildEventSubscription(['CHANNEL_CREATE;x'])).toThrow(EslUnsafeCommandError);
    expect(() => buildEventSubscription([''])).toThrow(EslUnsafeCommandError);
    expect(() => buildEventSubscription(['CHANNEL_CREATE extra'])).toThrow(EslUnsafeCommandError);
  });
});
