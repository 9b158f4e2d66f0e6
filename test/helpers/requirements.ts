// One rule for tests that need something npm does not install (chromium, PostgreSQL, the recorded
// FreeSWITCH transcripts, a build in dist/): in CI (CI set, as every CI service sets it) they always
// run, so a missing requirement FAILS there; on a developer's machine they are reported as not run,
// with what is missing and how to get it, so `npm test` needs nothing but Node and npm.

/** CI set to anything but '', 'false' or '0'. */
export const IN_CI = !['', 'false', '0'].includes((process.env['CI'] ?? '').trim().toLowerCase());

/** Whether tests needing `what` run here: when it is `available`, and always in CI. */
export function requirementMet(what: string, available: boolean, howToGet: string): boolean {
  if (available || IN_CI) return true;
  console.warn(`${what} NOT RUN: ${howToGet}; CI always runs them`);
  return false;
}
