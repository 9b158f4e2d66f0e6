// The one polling helper of the tests: for state that changes without an event a test can await.
// (Where there is an event, await it: RawEslClient.until and the WebSocket client's waitFor wake on data.)
// It keeps the real setTimeout and clock, so it also waits for real I/O under vi.useFakeTimers.
import { performance } from 'node:perf_hooks';

const realSetTimeout = globalThis.setTimeout;
const realNow = performance.now.bind(performance);

/** Polls `check` every 5 ms until it returns true; throws after `ms`, naming `what`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = realNow() + ms;
  for (;;) {
    if (await check()) return;
    if (realNow() > deadline) throw new Error(`timed out waiting for ${what} (${ms} ms)`);
    await new Promise((r) => realSetTimeout(r, 5));
  }
}
