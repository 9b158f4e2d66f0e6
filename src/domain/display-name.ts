// The name a wallboard shows beside an extension or number (pure): a store user's first and last
// name, else the caller ID name configured for them, else the caller ID name FreeSWITCH reports for the
// party, unless that says nothing (empty, the number itself, FreeSWITCH's "Outbound Call" placeholder).
import type { User } from './users.js';

const SAYS_NOTHING = new Set(['', 'outbound call', 'unknown', 'anonymous', 'unavailable']);

export const MAX_DISPLAY_NAME = 64;

function usable(name: string | undefined, number: string): string | undefined {
  const trimmed = (name ?? '').trim().slice(0, MAX_DISPLAY_NAME);
  if (SAYS_NOTHING.has(trimmed.toLowerCase()) || trimmed === number) return undefined;
  return trimmed;
}

export function displayName(
  number: string,
  user: Pick<User, 'firstName' | 'lastName' | 'callerIdName'> | undefined,
  callerIdName?: string,
): string | undefined {
  if (user !== undefined) {
    const full = usable(`${user.firstName} ${user.lastName}`, number);
    if (full !== undefined) return full;
    const configured = usable(user.callerIdName, number);
    if (configured !== undefined) return configured;
  }
  return usable(callerIdName, number);
}
