// The pipeline of a conference command: the URL tail `{command}&a&b` becomes a typed command
// (validated by the table in commands.ts), the typed command becomes a FreeSWITCH argv, and only then
// a line; its table row says how it runs (commandPlan).
import type {
  Answer,
  CommandContext,
  CommandEntry,
  CommandName,
  LiveExpectation,
  TypedCommand,
  Via,
} from './command-types.js';
import { isSafeConferenceName } from './command-args.js';
import { textCommandUsable } from './command-rows.js';
import { commandRow, CONFERENCE_COMMANDS, findCommand } from './commands.js';
import { toEslLine, UnsafeEslLineError } from './esl-line.js';
import { decodeUrlComponentOnce } from './url-decoding.js';

export type ParseResult = { ok: true; command: TypedCommand } | { ok: false; status: 400; error: string };

export const MAX_PATH_TAIL = 4096;
export const MAX_ARG_LENGTH = 512;
/** FreeSWITCH splits a conference api line into at most 25 words, two of them `<conf> <cmd>`. */
export const MAX_ARGS = 23;

const bad = (error: string): ParseResult => ({ ok: false, status: 400, error });

/**
 * `{command}[&arg...]` from `/my/conference/{confName}/{command}&a&b`, exactly as it appears in the
 * URL (still percent-encoded; it may contain raw `/` in sound names). Splits on raw `&`, decodes each
 * part once (so `%26` is a literal `&` inside an argument, and `%250D` is the text `%0D`), rejects
 * malformed encodings and control characters, then applies the command's grammar. Never throws on
 * hostile input; the lookups in ctx are awaited.
 */
export async function parseConferenceCommand(pathTail: string, ctx: CommandContext): Promise<ParseResult> {
  if (pathTail.length > MAX_PATH_TAIL) return bad(`command longer than ${MAX_PATH_TAIL} characters`);
  if (!isSafeConferenceName(ctx.conferenceName)) return bad('conference name unusable in a command');
  const parts = pathTail.split('&');
  if (parts.length - 1 > MAX_ARGS) return bad(`at most ${MAX_ARGS} arguments`);
  const decoded: string[] = [];
  for (const [i, part] of parts.entries()) {
    const value = decodeUrlComponentOnce(part, MAX_ARG_LENGTH);
    if (!value.ok) return bad(i === 0 ? `command: ${value.error}` : `argument ${i}: ${value.error}`);
    if (value.value === '') return bad(i === 0 ? 'no command' : `argument ${i} is empty`);
    decoded.push(value.value);
  }
  const [name = '', ...args] = decoded;
  const entry = findCommand(name);
  if (entry === undefined)
    return bad(/^[A-Za-z_-]{1,32}$/.test(name) ? `unknown command "${name}"` : 'unknown command');
  const parsed = await entry.parse(args, ctx);
  return parsed.ok ? { ok: true, command: parsed.value } : bad(`${entry.name}: ${parsed.error}`);
}

/**
 * The FreeSWITCH argv of a parsed command, `['conference', conf, cmd, ...args]`, or null when the
 * daemon answers from its own state (`record&status`, `record&duration`). Throws UnsafeEslLineError if
 * `confName` could not safely appear on a line (the route resolves it from the store, so that is a bug).
 */
export function toEslArgs(cmd: TypedCommand, confName: string): string[] | null {
  if (!isSafeConferenceName(confName)) throw new UnsafeEslLineError('unsafe conference name');
  if ((cmd.name === 'say' || cmd.name === 'saymember') && !textCommandUsable(cmd.name, confName).ok)
    throw new UnsafeEslLineError(`conference name contains "${cmd.name}"`);
  const words = commandRow(cmd.name).eslWords(cmd);
  return words === null ? null : ['conference', confName, ...words];
}

/** `conference <conf> <cmd> <args...>` ready for `api`, or null (see toEslArgs). */
export function conferenceCommandLine(cmd: TypedCommand, confName: string): string | null {
  const args = toEslArgs(cmd, confName);
  return args === null ? null : toEslLine(args);
}

/** How the answer is made (API.md "Conference commands", the exceptions). */
export type Handling =
  | 'freeswitch-text'
  | 'xml-document'
  | 'invitation-sent'
  | 'record-start' // if already recording: answer IN_PROGRESS and send nothing
  | 'record-stop'
  | 'record-status' // IN_PROGRESS / NO_RECORDING from live state; nothing sent
  | 'record-duration'; // whole seconds recorded so far from live state; nothing sent

/** A parsed command as its table row runs it; control/ carries it out. Pure. */
export interface CommandPlan {
  handling: Handling;
  /** `['conference', conf, ...]` for a running conference; null when answered from live state. */
  args: string[] | null;
  /** The same for a conference that is not running: FreeSWITCH creates `<conf>@<profile>`. */
  startArgs: string[] | null;
  via: Via;
  timeoutMs: number | undefined;
  startsConference: boolean;
  /** Another conference the caller must control too. */
  alsoControls: string | undefined;
  awaits: LiveExpectation | undefined;
}

export function commandPlan(cmd: TypedCommand, confName: string, profile: string | undefined): CommandPlan {
  const entry = commandRow(cmd.name);
  const args = toEslArgs(cmd, confName);
  const starts = entry.startsConference && args !== null;
  return {
    handling: handlingOf(cmd, entry.answer),
    args,
    startArgs: starts
      ? ['conference', profile ? `${confName}@${profile}` : confName, ...args.slice(2)]
      : null,
    via: entry.via,
    timeoutMs: entry.timeoutMs,
    startsConference: entry.startsConference,
    alsoControls: entry.alsoControls(cmd),
    awaits: entry.awaits(cmd),
  };
}

function handlingOf(cmd: TypedCommand, answer: Answer): Handling {
  if (cmd.name === 'record') return `record-${cmd.action}`;
  return answer === 'record' ? 'freeswitch-text' : answer;
}

export interface CommandDoc {
  name: CommandName;
  usage: string;
  description: string;
  permission: CommandEntry['permission'];
  answer: Answer;
}

/** The table as documentation rows (same order as API.md). */
export function commandDocs(): CommandDoc[] {
  return CONFERENCE_COMMANDS.map(({ name, usage, description, permission, answer }) => ({
    name,
    usage,
    description,
    permission,
    answer,
  }));
}

/** The command table as a Markdown table, for the docs (generated, so it cannot drift from the code). */
export function commandTableMarkdown(): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const rows = commandDocs().map(
    (d) => `| ${d.name} | ${d.usage === '' ? 'none' : `\`${cell(d.usage)}\``} | ${cell(d.description)} |`,
  );
  return ['| command | arguments | what |', '| --- | --- | --- |', ...rows].join('\n');
}
