// The one polling helper of the tests: for state that changes without an event a test can await.
// (Where there is an event, await it: RawEslClient.until and the WebSocket client's waitFor wake on data.)
// It keeps the real setTimeout and clock, so it also waits for real I/O under vi.useFakeTimers.
import { performance } from 'node:perf_hooks';

const realSetTimeout = globalThis.setTimeout;
const realNow = performance.now.bind(performance);

/** Polls `check` every 5 ms until it returns true; throws after `ms`, naming `what`. A throw fails at once. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 5000,
  what = 'condition',
): Promise<void> {
  await poll(async () => ((await check()) ? true : undefined), {
    ms,
    what,
    intervalMs: 5,
    retryErrors: false,
  });
}

/**
 * Polls `check` until it finds something (neither undefined nor false) and resolves with it. A check
 * that throws is tried again (a real FreeSWITCH or daemon not ready yet); on timeout the last error is
 * named. Every `intervalMs` (default 100 ms: it usually asks over the network).
 */
export function eventuallyFound<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  ms = 15_000,
  intervalMs = 100,
): Promise<T> {
  return poll(check, { ms, what, intervalMs, retryErrors: true });
}

interface PollOptions {
  ms: number;
  what: string;
  intervalMs: number;
  retryErrors: boolean;
}

async function poll<T>(check: () => Promise<T | undefined | false>, options: PollOptions): Promise<T> {
  const deadline = realNow() + options.ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      if (!options.retryErrors) throw err;
      last = err;
    }
    if (realNow() > deadline)
      throw new Error(
        `timed out waiting for ${options.what} (${options.ms} ms)${last ? `: ${String(last)}` : ''}`,
      );
    await new Promise((r) => realSetTimeout(r, options.intervalMs));
  }
}
