import { describe, expect, it } from 'vitest';
import { nameEvent, Subscription } from '../../src/sim/subscription.js';
import type { SimEvent } from '../../src/sim/types.js';

const ev = (name: string, extra: Array<[string, string]> = [], subclass?: string): SimEvent => ({
  headers: [
    ...(subclass ? [['Event-Subclass', subclass] as [string, string]] : []),
    ['Event-Name', name],
    ...extra,
  ],
});
const maintenance = ev('CUSTOM', [['Action', 'add-member']], 'conference::maintenance');

describe('subscription (mod_event_socket event/nixevent/noevents/filter)', () => {
  it('nothing flows before an event command', () => {
    expect(new Subscription().wants(ev('CHANNEL_CREATE'))).toBe(false);
  });

  it('event plain <names>: those names only, case-insensitive, unknown names ignored', () => {
    const s = new Subscription();
    expect(s.event('event plain channel_create NOT_AN_EVENT SWITCH_EVENT_CHANNEL_ANSWER')).toBe(
      '+OK event listener enabled plain',
    );
    expect(s.wants(ev('CHANNEL_CREATE'))).toBe(true);
    expect(s.wants(ev('CHANNEL_ANSWER'))).toBe(true);
    expect(s.wants(ev('CHANNEL_HANGUP'))).toBe(false);
  });

  it('event json switches the format; a first word that is no format is an event name', () => {
    const s = new Subscription();
    expect(s.event('event json HEARTBEAT')).toBe('+OK event listener enabled json');
    expect(s.format).toBe('json');
    expect(s.event('event CHANNEL_CREATE')).toBe('+OK event listener enabled json');
    expect(s.wants(ev('CHANNEL_CREATE'))).toBe(true);
  });

  it('replies "-ERR no keywords supplied" without a known name', () => {
    const s = new Subscription();
    expect(s.event('event plain')).toBe('-ERR no keywords supplied');
    expect(s.event('event plain  FOO')).toBe('-ERR no keywords supplied');
    expect(s.event('event')).toBe('-ERR no keywords supplied');
    expect(s.enabled).toBe(false);
  });

  it('CUSTOM takes subclasses; CUSTOM events with another subclass stay out', () => {
    const s = new Subscription();
    s.event('event plain CUSTOM conference::maintenance');
    expect(s.wants(maintenance)).toBe(true);
    expect(s.wants(ev('CUSTOM', [], 'sofia::register'))).toBe(false);
    expect(s.wants(ev('CUSTOM'))).toBe(true);
    expect(s.wants(ev('CHANNEL_CREATE'))).toBe(false);
  });

  it('all means every event, subclass or not', () => {
    const s = new Subscription();
    s.event('event plain all');
    expect(s.wants(maintenance)).toBe(true);
    expect(s.wants(ev('HEARTBEAT'))).toBe(true);
    expect(s.wants(ev('SOMETHING_NEW'))).toBe(true);
  });

  it('nixevent removes names, expands ALL first, and removes subclasses after CUSTOM', () => {
    const s = new Subscription();
    s.event('event plain ALL');
    expect(s.nixevent('nixevent HEARTBEAT')).toBe('+OK events nixed');
    expect(s.wants(ev('HEARTBEAT'))).toBe(false);
    expect(s.wants(ev('CHANNEL_CREATE'))).toBe(true);
    expect(s.wants(maintenance)).toBe(false); // no subclass is listed any more
    s.event('event plain CUSTOM conference::maintenance');
    expect(s.wants(maintenance)).toBe(true);
    s.nixevent('nixevent CUSTOM conference::maintenance');
    expect(s.wants(maintenance)).toBe(false);
    expect(s.nixevent('nixevent')).toBe('-ERR no keywords supplied');
  });

  it('noevents stops everything, and says so only once', () => {
    const s = new Subscription();
    expect(s.noevents()).toBe('-ERR not listening for events');
    s.event('event plain ALL');
    expect(s.noevents()).toBe('+OK no longer listening for events');
    expect(s.wants(ev('HEARTBEAT'))).toBe(false);
    expect(s.noevents()).toBe('-ERR not listening for events');
  });

  it('filters pass only matching events (case-insensitive), and can be deleted', () => {
    const s = new Subscription();
    s.event('event plain ALL');
    expect(s.filter('filter Job-UUID abc')).toBe('+OK filter added. [Job-UUID]=[abc]');
    expect(s.wants(ev('BACKGROUND_JOB', [['Job-UUID', 'ABC']]))).toBe(true);
    expect(s.wants(ev('BACKGROUND_JOB', [['Job-UUID', 'other']]))).toBe(false);
    expect(s.wants(ev('HEARTBEAT'))).toBe(false);
    expect(s.filter('filter add Unique-ID u1')).toBe('+OK filter added. [Unique-ID]=[u1]');
    expect(s.wants(ev('CHANNEL_CREATE', [['Unique-ID', 'u1']]))).toBe(true);
    expect(s.filter('filter delete Job-UUID abc')).toBe('+OK filter deleted. [Job-UUID][abc]');
    expect(s.wants(ev('BACKGROUND_JOB', [['Job-UUID', 'abc']]))).toBe(false);
    expect(s.filter('filter delete all')).toBe('+OK filter deleted. [all][]');
    expect(s.wants(ev('HEARTBEAT'))).toBe(true);
  });

  it('a "-" filter vetoes matching events', () => {
    const s = new Subscription();
    s.event('event plain ALL');
    s.filter('filter Event-Name CHANNEL_CREATE');
    s.filter('filter Event-Name CHANNEL_ANSWER');
    s.filter('filter Unique-ID -bad');
    expect(s.wants(ev('CHANNEL_CREATE', [['Unique-ID', 'good']]))).toBe(true);
    expect(s.wants(ev('CHANNEL_ANSWER', [['Unique-ID', 'bad']]))).toBe(false);
    expect(s.wants(ev('HEARTBEAT'))).toBe(false);
  });

  it('filter syntax errors and unsupported regex filters', () => {
    const s = new Subscription();
    expect(s.filter('filter Unique-ID')).toBe('-ERR invalid syntax');
    expect(s.filter('filter delete')).toBe('-ERR invalid syntax');
    expect(s.filter('filter add Unique-ID')).toBe('+OK filter added. [Unique-ID]=[(null)]');
    expect(s.filter('filter Unique-ID /^a.*$/')).toMatch(/^-ERR /);
  });

  it('nameEvent accepts the SWITCH_EVENT_ prefix and any case', () => {
    expect(nameEvent('background_job')).toBe('BACKGROUND_JOB');
    expect(nameEvent('SWITCH_EVENT_CUSTOM')).toBe('CUSTOM');
    expect(nameEvent('bogus')).toBeUndefined();
  });
});
