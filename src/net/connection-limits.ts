// How many HTTP connections the daemon may hold: below the process's open-file limit, with room left
// for everything else that needs a descriptor. Read once at start; the arithmetic is pure.
import { readFileSync } from 'node:fs';
import type { ConnectionLimits } from './connection-table.js';

/** Descriptors kept for the rest of the process: stdio, Node's own, the listeners, store writes, logs. */
export const BASE_RESERVE = 64;
/** Connections the fsconfig listener may hold (FreeSWITCH's mod_xml_curl fetches). */
export const FSCONFIG_MAX_CONNECTIONS = 128;
/** When the limit cannot be read (not Linux): the usual soft limit. */
export const ASSUMED_OPEN_FILES = 1024;
const MIN_TOTAL = 32;
/**
 * The default total when the open-file limit is higher (containers often allow a million): each idle
 * connection holds some kilobytes of socket and parser state, so memory, not descriptors, would give
 * out first. HTTP_MAX_CONNECTIONS raises it, up to what the open-file limit allows.
 */
export const DEFAULT_MAX_CONNECTIONS = 10_000;

/** The soft "Max open files" of /proc/<pid>/limits; undefined when absent or unlimited. */
export function parseOpenFileLimit(procLimits: string): number | undefined {
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(procLimits);
  if (match === null || match[1] === 'unlimited') return undefined;
  const n = Number(match[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

export function readOpenFileLimit(): number | undefined {
  try {
    return parseOpenFileLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return undefined;
  }
}

export interface ResolvedLimits extends ConnectionLimits {
  /** The most the open-file limit allows; a configured total above it is lowered to it. */
  ceiling: number;
  /** The open-file limit the ceiling was derived from. */
  openFiles: number;
  /** True when a configured value was lowered. */
  lowered: boolean;
}

/**
 * The caps for the API listener. `configured` are HTTP_MAX_CONNECTIONS(_PER_ADDRESS), undefined for
 * the defaults: what the open-file limit leaves after the reserve (ESL sessions, the fsconfig
 * listener, the rest) up to DEFAULT_MAX_CONNECTIONS, and a quarter of that per address.
 */
export function resolveConnectionLimits(
  openFiles: number | undefined,
  eslNodes: number,
  configured: { total?: number | undefined; perAddress?: number | undefined } = {},
): ResolvedLimits {
  const files = openFiles ?? ASSUMED_OPEN_FILES;
  const reserve = BASE_RESERVE + FSCONFIG_MAX_CONNECTIONS + 2 * eslNodes;
  const ceiling = Math.max(MIN_TOTAL, files - reserve);
  const total = Math.min(configured.total ?? DEFAULT_MAX_CONNECTIONS, ceiling);
  const perAddress = Math.min(configured.perAddress ?? Math.max(1, Math.floor(total / 4)), total);
  const lowered =
    (configured.total !== undefined && configured.total > total) ||
    (configured.perAddress !== undefined && configured.perAddress > perAddress);
  return { total, perAddress, ceiling, openFiles: files, lowered };
}
