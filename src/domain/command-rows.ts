// The shapes table rows share (commands.ts): free-text and IM-id grammars, record's argument, the
// member / level / bare command rows, and the dialling helpers the dial and invite rows use.
import type { Grammar } from './command-args.js';
import type { energyLevel } from './command-args.js';
import { keyword, memberTarget } from './command-args.js';
import type { Check } from './check.js';
import { fail, ok } from './check.js';
import type {
  Answer,
  CommandContext,
  CommandEntry,
  CommandOf,
  LevelCommandName,
  MemberCommandName,
} from './command-types.js';
import { defineCommand, opt, req } from './command-types.js';
import type { CallerId } from './dial-policy.js';
import { IM_ID_RE, isSafeHost, resolveCallerId, USER_NAME_RE, userDialString } from './dial-policy.js';
import { outcallDialString } from './member-flags.js';
import { recordingFileName } from './recording.js';

/** Any decoded text up to `max`; the command's build step applies the real grammar (it needs ctx). */
export const text = (label: string, max: number): Grammar<string> => ({
  label,
  parse: (raw) =>
    raw.length > 0 && raw.length <= max ? ok(raw) : fail(`expected ${label}, 1-${max} characters`),
});

export const imId: Grammar<string> = {
  label: '<im_id>',
  parse: (raw) => (IM_ID_RE.test(raw) ? ok(raw) : fail('not an IM id')),
};

/**
 * `record`'s argument: `start` (what sipX's recording service called a bare `record`), `stop`,
 * `status`, `duration` (matched case-insensitively), or else a file name (recording.ts's grammar).
 */
export const recordArgument: Grammar<'start' | 'stop' | 'status' | 'duration' | { file: string }> = {
  label: 'start|stop|status|duration|<file_name>',
  parse(raw) {
    const action = keyword(['start', 'stop', 'status', 'duration']).parse(raw);
    if (action.ok) return action;
    const name = recordingFileName(raw);
    return name.ok ? ok({ file: raw }) : name;
  },
};

export const memberCommand = (name: MemberCommandName, description: string): CommandEntry =>
  defineCommand({
    name,
    description,
    args: [req('member', memberTarget)],
    build: ([target]) => ok({ name, target }),
    toEsl: (cmd) => [cmd.name, String(cmd.target), ...(cmd.quiet ? ['quiet'] : [])],
  });

export const levelCommand = (
  name: LevelCommandName,
  grammar: typeof energyLevel,
  description: string,
): CommandEntry =>
  defineCommand({
    name,
    description,
    args: [req('member', memberTarget), opt('value', grammar)],
    build: ([target, value]) => ok({ name, target, value }),
    toEsl: (cmd) => [cmd.name, String(cmd.target), ...(cmd.value === undefined ? [] : [String(cmd.value)])],
  });

export const bare = (
  name: 'lock' | 'unlock' | 'nopin' | 'list' | 'xml_list',
  description: string,
  answer?: Answer,
) =>
  defineCommand({
    name,
    description,
    args: [],
    answer,
    build: () => ok({ name }),
    toEsl: (cmd) => [cmd.name],
  });

export const callerIdWords = (id: CallerId): string[] =>
  id.number === undefined ? [] : id.name === undefined ? [id.number] : [id.number, id.name];

/**
 * FreeSWITCH finds the text of `say`/`saymember` with strstr(cmdline, "<command>"), so a conference
 * whose name contains the command word would have its text cut in the wrong place.
 */
export function textCommandUsable(command: 'say' | 'saymember', conference: string): Check<true> {
  return conference.includes(command)
    ? fail(`FreeSWITCH cannot run ${command} in a conference whose name contains "${command}"`)
    : ok(true);
}

export function invitation(
  name: 'invite' | 'inviteim',
  target: Check<{ user: string | undefined; dialString: string }>,
  ctx: CommandContext,
): Check<CommandOf<'invite' | 'inviteim'>> {
  if (!target.ok) return target;
  const callerId = resolveCallerId({}, ctx.defaultCallerId);
  if (!callerId.ok) return callerId;
  const { user, dialString } = target.value;
  return ok({ name, user, dialString: legDialString(ctx, user, dialString), callerId: callerId.value });
}

/** inviteim: the user with this IM id, dialled as user/<name>@<domain>. */
export async function imUser(
  user: string | undefined,
  ctx: CommandContext,
): Promise<Check<{ user: string; dialString: string }>> {
  if (user === undefined || !USER_NAME_RE.test(user) || !(await ctx.userExists(user)))
    return fail('unknown user');
  if (!isSafeHost(ctx.domain)) return fail('the SIP domain is not configured safely');
  return ok({ user, dialString: userDialString(user, ctx.domain) });
}

/** A leg the conference dials: with the member's flags and who placed it, when the route gave them. */
export const legDialString = (ctx: CommandContext, user: string | undefined, dialString: string): string =>
  ctx.outcall === undefined ? dialString : outcallDialString(ctx.outcall, user, dialString);
