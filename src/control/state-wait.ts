// Waiting until the live state shows what a command did: FreeSWITCH answers `api` before the events
// of what it set off arrive. The check runs after every change the live state's feed reports (the
// state already holds it then), whichever readers subscribed first.
import type { LiveState } from '../state/node-state.js';

/**
 * Resolves true once `check()` holds (now, or after one of the live state's changes), false after
 * `timeoutMs`.
 */
export function untilLiveState(
  live: Pick<LiveState, 'changes'>,
  check: () => boolean,
  timeoutMs: number,
): Promise<boolean> {
  if (check()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (result: boolean): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve(result);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    const unsubscribe = live.changes.subscribe(() => {
      if (check()) finish(true);
    });
  });
}
