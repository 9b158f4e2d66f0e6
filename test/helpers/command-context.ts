// A CommandContext for the conference-command tests: conference `demo`, domain `example.com`, users
// 200 (Alice) and 401 (IM id 401im), and an allow-list with two patterns. Lookups record their calls.
import type { CommandContext } from '../../src/domain/command-types.js';
import { compileDialPolicy } from '../../src/domain/dial-policy.js';

export const TEST_PATTERNS = ['loopback/*/default', 'sofia/gateway/pstn/+1*'];
export const FIXED_NOW = new Date(Date.UTC(2026, 10, 22, 10, 15, 0, 123));
export const USERS: Record<string, { imId: string }> = {
  '200': { imId: 'alice' },
  '401': { imId: '401im' },
  'bob.smith': { imId: 'bob@im.example.com' },
};

export function testDialPolicy() {
  const policy = compileDialPolicy(TEST_PATTERNS);
  if (!policy.ok) throw new Error(policy.error);
  return policy.value;
}

export function makeCommandContext(overrides: Partial<CommandContext> = {}): CommandContext {
  return {
    conferenceName: 'demo',
    domain: 'example.com',
    soundDir: '/usr/share/freeswitch/sounds',
    recordingsDir: '/var/lib/fs-confd/recordings',
    dialPolicy: testDialPolicy(),
    dialplanContext: 'default',
    sipProfile: 'external',
    defaultCallerId: { number: '200', name: 'Alice' },
    now: () => FIXED_NOW,
    userExists: (name) => Object.hasOwn(USERS, name),
    userByImId: (imId) => Object.entries(USERS).find(([, u]) => u.imId === imId)?.[0],
    ...overrides,
  };
}
