// The values FreeSWITCH stamps on every event, with one Event-Sequence counter for all of them.
import { randomUUID } from 'node:crypto';
import type { SimIdentity } from '../types.js';

export function createSimIdentity(
  values: Partial<Omit<SimIdentity, 'nextSequence'>> & { firstSequence?: number } = {},
): SimIdentity {
  let sequence = values.firstSequence ?? 1;
  return {
    coreUuid: values.coreUuid ?? randomUUID(),
    hostname: values.hostname ?? 'sim',
    switchname: values.switchname ?? values.hostname ?? 'sim',
    ipv4: values.ipv4 ?? '127.0.0.1',
    ipv6: values.ipv6 ?? '::1',
    nextSequence: () => sequence++,
  };
}
