// What status a FreeSWITCH conference reply means. sipX answered 200 whatever FreeSWITCH said; here
// FreeSWITCH's refusals become 404 (the member, recording or conference it names does not exist) or
// 400 (anything else it refused, and its usage text), with its text kept for the body.
//
// Shapes (FreeSWITCH 1.11.2 conference_api.c, see ../shared/fs-transcripts/api-responses.txt):
//   `+OK mute 13\n`, `Energy 13 = 300\n`, list lines, XML      → accepted
//   `-ERR Non-Existant ID 999\n`, `-ERR Member: 9 not found.\n` → 404
//   `mute <[member_id|all]|last|non_moderator> [<quiet>]`       → usage text: 400
//   `-ERR (saymember) Unknown Member 9!\nsaymember <member_id> <text>` → 404 (usage after a not-found)
//   `+OK Member '5' sent ...\n-ERR No Member 6 in conference x.\n` → 200: part of it was done
//   `-ERR non-existant recording 'f'\n+OK Stopped recording 0 files\n` → 404 (norecord's trailer is noise)

export type ReplyStatus = 200 | 400 | 404;

const ERR_LINE_RE = /^-ERR\b/;
const NOT_FOUND_RE = /not found|non-existant|no member|unknown member/i;

/** The reply without its trailing line break, as the body carries it. */
export function replyText(reply: string): string {
  return reply.replace(/\s+$/, '');
}

/** True when the reply is (or ends with) FreeSWITCH's `<command> <syntax>` usage line. */
export function isUsageText(reply: string, eslCommand: string): boolean {
  const lines = replyText(reply).split('\n');
  const last = lines[lines.length - 1] ?? '';
  return last.toLowerCase().startsWith(`${eslCommand.toLowerCase()} `) && /[<[]/.test(last);
}

/** `norecord`'s trailer: FreeSWITCH always says 0 (the count drops after the reply), so it tells nothing. */
const NORECORD_SUMMARY_RE = /^\+OK Stopped recording \d+ files?$/;

/**
 * The status for FreeSWITCH's reply to `conference <conf> <eslCommand> ...`: accepted when it is not
 * usage text and any line is not an `-ERR` (an empty reply, e.g. `mute all` with nobody to mute,
 * too); else 404 when every error names something that does not exist, 400 otherwise.
 */
export function replyStatus(reply: string, eslCommand: string): ReplyStatus {
  const usage = isUsageText(reply, eslCommand);
  const lines = replyText(reply)
    .split('\n')
    .filter((l) => l.trim() !== '' && !NORECORD_SUMMARY_RE.test(l));
  if (usage) lines.pop();
  if (!usage && (lines.length === 0 || lines.some((l) => !ERR_LINE_RE.test(l)))) return 200;
  const errors = lines.filter((l) => ERR_LINE_RE.test(l));
  return errors.length > 0 && errors.every((l) => NOT_FOUND_RE.test(l)) ? 404 : 400;
}
