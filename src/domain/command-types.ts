// Types of the conference command table (commands.ts): the typed commands a URL can become, the
// context validation needs, and the small machinery that turns an argument list declared once per
// command into arity checks, typed values and a usage string.
import type { Grammar, LevelChange, MemberTarget } from './command-args.js';
import type { CallerId, DialDestination, DialPolicy } from './dial-policy.js';
import type { OutcallContext } from './member-flags.js';
import type { Check } from './check.js';
import { fail, ok } from './check.js';

export type MemberCommandName = 'mute' | 'unmute' | 'tmute' | 'deaf' | 'undeaf' | 'kick' | 'hup';

/** Conference parameters the daemon sets in a running conference (live settings). */
export type SettableParameter = 'max_members';
export type LevelCommandName = 'energy' | 'volume_in' | 'volume_out';

export type TypedCommand =
  /** `quiet`: no sound to the member (the daemon's own unmute of a moderator; no URL sets it). */
  | { name: MemberCommandName; target: MemberTarget; quiet?: true }
  | { name: LevelCommandName; target: MemberTarget; value: LevelChange | undefined }
  | { name: 'dtmf'; target: MemberTarget; digits: string }
  | { name: 'lock' | 'unlock' | 'nopin' | 'list' | 'xml_list' }
  | { name: 'pin'; pin: string }
  /** `sound`: absolute path under the sound directory, or a checked tone/silence generator. */
  | { name: 'play'; sound: string; to: number | 'async' | undefined }
  /** FreeSWITCH knows current/all/async; the API's `last` is sent as `current` (the file playing now). */
  | { name: 'stop'; mode: 'current' | 'all' | 'async'; member: number | undefined }
  | { name: 'say'; text: string }
  | { name: 'saymember'; member: number; text: string }
  | { name: 'relate'; member: number; other: number; relation: 'nospeak' | 'nohear' | 'clear' }
  /** The route must check that the caller also owns (or is delegate of) `targetConference`. */
  | { name: 'transfer'; targetConference: string; profile: string | undefined; members: number[] }
  | { name: 'dial' | 'bgdial'; destination: DialDestination; callerId: CallerId }
  /**
   * Sent as `bgdial <dialString>`: user/<user>@<domain> for a known user, else (invite of a number or
   * SIP URI, through the dial policy) loopback/<number>/<context> or sofia/<profile>/<user>@<host>;
   * `user` is the known user invited, if any. The route answers `Invitation sent`.
   */
  | { name: 'invite' | 'inviteim'; user: string | undefined; dialString: string; callerId: CallerId }
  | { name: 'record'; action: 'start'; path: string }
  | { name: 'record'; action: 'stop' | 'status' | 'duration' }
  | { name: 'norecord'; target: string }
  /** The daemon's own (DAEMON_COMMANDS): a live setting no URL may send. */
  | { name: 'set'; parameter: SettableParameter; value: number };

export type CommandName = TypedCommand['name'];
export type CommandOf<N extends CommandName> = Extract<TypedCommand, { name: N }>;

/** What the route needs to validate a command; everything here is trusted configuration or state. */
export interface CommandContext {
  /** The `{confName}` of the URL, already resolved to a known conference by the route. */
  conferenceName: string;
  /** SIP domain of the users (`FS_DOMAIN`): known users are dialled as user/<name>@<domain>. */
  domain: string;
  /** Absolute directory `play` may read from. */
  soundDir: string;
  /** Absolute directory `record` writes to. */
  recordingsDir: string;
  dialPolicy: DialPolicy;
  /** Dialplan context `invite` dials numbers in (`DIALPLAN_CONTEXT`), as click-to-call does. */
  dialplanContext: string;
  /** Sofia profile for SIP URIs outside the domain (`SIP_PROFILE`). */
  sipProfile: string;
  /** FreeSWITCH conference profile for `transfer` targets (`name@profile`); FreeSWITCH's default if unset. */
  conferenceProfile?: string;
  /** Caller ID for dial/bgdial/invite when the URL gives none: the conference's or the owner's. */
  defaultCallerId?: CallerId;
  /** Clock for recording file names (tests pass a fixed one). */
  now?: () => Date;
  userExists(name: string): boolean | Promise<boolean>;
  /** User name of the user with this IM id, if any (sipX `inviteim`). */
  userByImId(imId: string): string | undefined | Promise<string | undefined>;
  /** The conference's hosts and who asks: the member flags and variables of the legs it dials. */
  outcall?: OutcallContext;
}

/** How the route answers a command (API.md "Conference commands"). */
export type Answer =
  | 'freeswitch-text' // <command-response>FreeSWITCH's reply</command-response>
  | 'xml-document' // FreeSWITCH's XML itself (xml_list)
  | 'invitation-sent' // `Invitation sent` once FreeSWITCH accepted the bgdial
  | 'record'; // start (IN_PROGRESS if already recording), stop, or status/duration from live state

/** Extra authorisation beyond owning the conference. */
export type Permission = 'owner' | 'owner-of-both-conferences' | 'owner-within-dial-policy';

/** How FreeSWITCH runs a command: `api` answers at once; `bgapi` frees the connection while it waits. */
export type Via = 'api' | 'bgapi';

/** What the live state must show before the answer goes out (FreeSWITCH answers before its events). */
export type LiveExpectation =
  | { kind: 'recording'; path: string } // a recording to this file runs
  | { kind: 'no-recordings' }; // no recording runs

// ---- declarative argument lists -------------------------------------------------------------

export interface ReqArg<T> {
  kind: 'req';
  name: string;
  grammar: Grammar<T>;
}
export interface OptArg<T> {
  kind: 'opt';
  name: string;
  grammar: Grammar<T>;
}
export interface RestArg<T> {
  kind: 'rest';
  name: string;
  grammar: Grammar<T>;
  min: number;
  max: number;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- erased element type of an arg list
export type AnyArg = ReqArg<any> | OptArg<any> | RestArg<any>;

export const req = <T>(name: string, grammar: Grammar<T>): ReqArg<T> => ({ kind: 'req', name, grammar });
export const opt = <T>(name: string, grammar: Grammar<T>): OptArg<T> => ({ kind: 'opt', name, grammar });
export const rest = <T>(name: string, grammar: Grammar<T>, min: number, max: number): RestArg<T> => ({
  kind: 'rest',
  name,
  grammar,
  min,
  max,
});

type ArgValue<A> =
  A extends ReqArg<infer T>
    ? T
    : A extends OptArg<infer T>
      ? T | undefined
      : A extends RestArg<infer T>
        ? T[]
        : never;
export type ArgValues<A extends readonly AnyArg[]> = { -readonly [K in keyof A]: ArgValue<A[K]> };

export interface Arity {
  min: number;
  max: number;
}

/** Checks the order req* opt* rest? once, when the table is built; returns the arity. */
export function arityOf(args: readonly AnyArg[]): Arity {
  const order = { req: 0, opt: 1, rest: 2 } as const;
  let min = 0;
  let max = 0;
  args.forEach((arg, i) => {
    const previous = args[i - 1];
    if (previous !== undefined && order[previous.kind] > order[arg.kind])
      throw new Error('bad argument order');
    if (arg.kind === 'rest' && i !== args.length - 1) throw new Error('rest argument must be last');
    if (arg.kind === 'req') min += 1;
    if (arg.kind === 'rest') min += arg.min;
    max += arg.kind === 'rest' ? arg.max : 1;
  });
  return { min, max };
}

/** `<member_id|all|last> [<-4..4|up|down>]`, `<destination> [<number> [<name>]]`, `<conf> <member_id>...` */
export function usageOf(args: readonly AnyArg[]): string {
  const words: string[] = [];
  let openOptionals = 0;
  for (const arg of args) {
    if (arg.kind === 'opt') {
      words.push(`[${arg.grammar.label}`);
      openOptionals += 1;
    } else {
      words.push(arg.kind === 'rest' ? `${arg.grammar.label}...` : arg.grammar.label);
    }
  }
  return words.join(' ') + ']'.repeat(openOptionals);
}

/** Arity and per-argument grammar, in order; values come back typed by the declaration. */
export function parseArgList<A extends readonly AnyArg[]>(
  args: A,
  raw: readonly string[],
  arity: Arity,
): Check<ArgValues<A>> {
  if (raw.length < arity.min) return fail(`missing argument: expected ${usageOf(args) || 'none'}`);
  if (raw.length > arity.max) return fail(`too many arguments: expected ${usageOf(args) || 'none'}`);
  const values: unknown[] = [];
  for (const [i, arg] of args.entries()) {
    const parseOne = (text: string, position: number): Check<unknown> => {
      const result: Check<unknown> = arg.grammar.parse(text);
      return result.ok ? result : fail(`argument ${position + 1} (${arg.name}): ${result.error}`);
    };
    if (arg.kind === 'rest') {
      const items: unknown[] = [];
      for (const [j, text] of raw.slice(i).entries()) {
        const item = parseOne(text, i + j);
        if (!item.ok) return item;
        items.push(item.value);
      }
      values.push(items);
      continue;
    }
    const text = raw[i];
    if (text === undefined) {
      values.push(undefined);
      continue;
    }
    const value = parseOne(text, i);
    if (!value.ok) return value;
    values.push(value.value);
  }
  // The loop follows `args` one to one, so the shape is ArgValues<A> by construction.
  return ok(values as ArgValues<A>);
}

// ---- one table entry -----------------------------------------------------------------------

export interface CommandEntry {
  readonly name: CommandName;
  readonly description: string;
  /** Argument syntax generated from the grammars, e.g. `<member_id|all|last> [<-4..4|up|down>]`. */
  readonly usage: string;
  readonly arity: { min: number; max: number };
  readonly permission: Permission;
  readonly answer: Answer;
  /** How it is sent (`dial` waits for the outcome in FreeSWITCH: bgapi). */
  readonly via: Via;
  /** How long the daemon waits for FreeSWITCH's answer; undefined: ESL_TIMEOUT_MS. */
  readonly timeoutMs: number | undefined;
  /** FreeSWITCH runs it for a conference that is not running yet, creating it. */
  readonly startsConference: boolean;
  parse(args: readonly string[], ctx: CommandContext): Promise<Check<TypedCommand>>;
  /** Words after `conference <conf>`; null when the daemon answers from its own state. */
  eslWords(cmd: TypedCommand): string[] | null;
  /** Another conference the caller must control too (transfer's target). */
  alsoControls(cmd: TypedCommand): string | undefined;
  /** What the live state must show before the answer. */
  awaits(cmd: TypedCommand): LiveExpectation | undefined;
}

export interface CommandSpec<N extends CommandName, A extends readonly AnyArg[]> {
  name: N;
  description: string;
  args: A;
  permission?: Permission;
  answer?: Answer;
  via?: Via;
  timeoutMs?: number;
  startsConference?: boolean;
  alsoControls?(cmd: CommandOf<N>): string | undefined;
  awaits?(cmd: CommandOf<N>): LiveExpectation | undefined;
  build(values: ArgValues<A>, ctx: CommandContext): Check<CommandOf<N>> | Promise<Check<CommandOf<N>>>;
  toEsl(cmd: CommandOf<N>): string[] | null;
}

export function defineCommand<N extends CommandName, const A extends readonly AnyArg[]>(
  spec: CommandSpec<N, A>,
): CommandEntry {
  const arity = arityOf(spec.args);
  return {
    name: spec.name,
    description: spec.description,
    usage: usageOf(spec.args),
    arity,
    permission: spec.permission ?? 'owner',
    answer: spec.answer ?? 'freeswitch-text',
    via: spec.via ?? 'api',
    timeoutMs: spec.timeoutMs,
    startsConference: spec.startsConference ?? false,
    async parse(args, ctx) {
      const values = parseArgList(spec.args, args, arity);
      return values.ok ? spec.build(values.value, ctx) : values;
    },
    eslWords: (cmd) => spec.toEsl(own(cmd)),
    alsoControls: (cmd) => spec.alsoControls?.(own(cmd)),
    awaits: (cmd) => spec.awaits?.(own(cmd)),
  };
  function own(cmd: TypedCommand): CommandOf<N> {
    if (cmd.name !== spec.name) throw new Error(`command ${cmd.name} given to ${spec.name}`);
    return cmd as CommandOf<N>;
  }
}
