// Waiting until the live state shows what a command did: FreeSWITCH answers `api` before the events
// of what it set off arrive. The node's sync subscribed to the client's events first, so when this
// module's listener runs the state has already taken the event in.
import type { EslClient } from '../esl/client.js';

/** Resolves true once `check()` holds (now, or after one of the node's events), false after `timeoutMs`. */
export function untilLiveState(
  client: Pick<EslClient, 'on' | 'off'>,
  check: () => boolean,
  timeoutMs: number,
): Promise<boolean> {
  if (check()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (result: boolean): void => {
      clearTimeout(timer);
      client.off('event', onEvent);
      resolve(result);
    };
    const onEvent = (): void => {
      if (check()) finish(true);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    client.on('event', onEvent);
  });
}
