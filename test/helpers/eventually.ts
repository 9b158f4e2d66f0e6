// The one polling helper of the tests: for state that changes without an event a test can await.
// (Where there is an event, await it: RawEslClient.until and the WebSocket client's waitFor wake on data.)

/** Polls `check` every 5 ms until it returns true; throws after `ms`, naming `what`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${ms} ms)`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
