// mod_conference's command table as FreeSWITCH 1.11.2 prints it (`api conference` with no arguments):
// dispatch name, the name shown in usage, the syntax, and how arguments are passed.

export type CommandKind = 'member' | 'split' | 'text';

/** A command's reply; `usage` appends the command's usage line, as the dispatcher does on failure. */
export type CommandResult = { out: string; usage?: boolean };
export const ok = (out: string): CommandResult => ({ out });
export const bad = (out = ''): CommandResult => ({ out, usage: true });

export interface TableEntry {
  /** The name commands are matched against (case-insensitive). */
  pname: string;
  /** The name printed in help and usage (differs for `pause_play`). */
  pcommand: string;
  syntax: string;
  kind: CommandKind;
}

const M = 'member' as const;
const S = 'split' as const;
const T = 'text' as const;

const ROWS: Array<[string, string, CommandKind, string?]> = [
  ['canvas-auto-clear', '<canvas_id> <true|false>', S],
  ['count', '', S],
  ['list', '[delim <string>]|[count]', S],
  ['xml_list', '', S],
  ['json_list', '[compact]', S],
  ['energy', '<member_id|all|last|non_moderator> [<newval>]', M],
  ['auto-energy', '<member_id|all|last|non_moderator> [<newval>]', M],
  ['max-energy', '<member_id|all|last|non_moderator> [<newval>]', M],
  ['agc', '<member_id|all|last|non_moderator> [<newval>]', M],
  ['vid-canvas', '<member_id|all|last|non_moderator> [<newval>]', M],
  ['vid-watching-canvas', '<member_id|all|last|non_moderator> [<newval>]', M],
  ['vid-layer', '<member_id|all|last|non_moderator> [<newval>]', M],
  ['volume_in', '<member_id|all|last|non_moderator> [<newval>]', M],
  ['volume_out', '<member_id|all|last|non_moderator> [<newval>]', M],
  ['position', '<member_id> <x>:<y>:<z>', M],
  ['auto-3d-position', '[on|off]', S],
  ['play', '<file_path> [async|<member_id> [nomux]]', S],
  ['moh', '<file_path>|toggle|[on|off]', S],
  ['pause_play', '[<member_id>]', S, 'pause'],
  ['play_status', '[<member_id>]', S],
  ['file_seek', '[+-]<val> [<member_id>]', S],
  ['say', '<text>', T],
  ['saymember', '<member_id> <text>', T],
  ['cam', '', S],
  ['stop', '<[current|all|async|last]> [<member_id>]', S],
  ['dtmf', '<[member_id|all|last|non_moderator]> <digits>', M],
  ['kick', '<[member_id|all|last|non_moderator]> [<optional sound file>]', M],
  ['vid-flip', '<[member_id|all|last|non_moderator]>', M],
  ['vid-border', '<[member_id|all|last|non_moderator]>', M],
  ['hup', '<[member_id|all|last|non_moderator]>', M],
  ['hold', '<[member_id|all]|last|non_moderator> [file]', M],
  ['unhold', '<[member_id|all]|last|non_moderator>', M],
  ['mute', '<[member_id|all]|last|non_moderator> [<quiet>]', M],
  ['tmute', '<[member_id|all]|last|non_moderator> [<quiet>]', M],
  ['unmute', '<[member_id|all]|last|non_moderator> [<quiet>]', M],
  ['vmute', '<[member_id|all]|last|non_moderator> [<quiet>]', M],
  ['tvmute', '<[member_id|all]|last|non_moderator> [<quiet>]', M],
  ['vmute-snap', '<[member_id|all]|last|non_moderator>', M],
  ['unvmute', '<[member_id|all]|last|non_moderator> [<quiet>]', M],
  ['vblind', '<[member_id|all]|last|non_moderator> [<quiet>]', M],
  ['tvblind', '<[member_id|all]|last|non_moderator> [<quiet>]', M],
  ['unvblind', '<[member_id|all]|last|non_moderator> [<quiet>]', M],
  ['deaf', '<[member_id|all]|last|non_moderator>', M],
  ['undeaf', '<[member_id|all]|last|non_moderator>', M],
  ['vid-filter', '<[member_id|all]|last|non_moderator> <string>', M],
  ['relate', '<member_id>[,<member_id>] <other_member_id>[,<other_member_id>] [nospeak|nohear|clear]', S],
  ['getvar', '<varname>', S],
  ['setvar', '<varname> <value>', S],
  ['lock', '', S],
  ['unlock', '', S],
  ['dial', '<endpoint_module_name>/<destination> <callerid number> <callerid name>', S],
  ['bgdial', '<endpoint_module_name>/<destination> <callerid number> <callerid name>', S],
  ['transfer', '<conference_name> <member id> [...<member id>]', S],
  ['record', '<filename>', S],
  ['chkrecord', '<confname>', S],
  ['norecord', '<[filename|all]>', S],
  ['pause', '<filename>', S],
  ['resume', '<filename>', S],
  ['recording', '[start|stop|check|pause|resume] [<filename>|all]', S],
  ['exit_sound', 'on|off|none|file <filename>', S],
  ['enter_sound', 'on|off|none|file <filename>', S],
  ['pin', '<pin#>', S],
  ['nopin', '', S],
  ['get', '<parameter-name>', S],
  ['set', '<max_members|sound_prefix|caller_id_name|caller_id_number|endconference_grace_time> <value>', S],
  ['file-vol', '<vol#>', S],
  ['floor', '<member_id|last>', M],
  ['vid-floor', '<member_id|last> [force]', M],
  ['vid-banner', '<member_id|last> <text>', M],
  ['vid-mute-img', '<member_id|last> [<path>|clear]', M],
  ['vid-logo-img', '<member_id|last> [<path>|clear]', M],
  ['vid-codec-group', '<member_id|last> [<group>|clear]', M],
  ['vid-res-id', '<member_id>|all <val>|clear [force]', S],
  ['vid-role-id', '<member_id|last> <val>|clear', M],
  ['get-uuid', '<member_id|last>', M],
  ['clear-vid-floor', '', T],
  ['vid-layout', '<layout name>|group <group name> [<canvas id>]', S],
  ['vid-write-png', '<path>', S],
  ['vid-fps', '<fps>', S],
  ['vid-res', '<WxH>', S],
  ['vid-fgimg', '<file> | clear [<canvas-id>]', S],
  ['vid-bgimg', '<file> | clear [<canvas-id>]', S],
  ['vid-bandwidth', '<BW>', S],
  ['vid-personal', '[on|off]', S],
];

export const COMMAND_TABLE: readonly TableEntry[] = ROWS.map(([pname, syntax, kind, pcommand]) => ({
  pname,
  pcommand: pcommand ?? pname,
  syntax,
  kind,
}));

export function findCommand(name: string): TableEntry | undefined {
  const lower = name.toLowerCase();
  return COMMAND_TABLE.find((e) => e.pname.toLowerCase() === lower);
}

export function usage(entry: TableEntry): string {
  return `${entry.pcommand} ${entry.syntax}`;
}

/** `api conference` with no arguments. */
export function helpText(): string {
  return COMMAND_TABLE.map((e) => `<conf name> ${e.pcommand} ${e.syntax}\n`).join('');
}

/** `conference help`: mod_conference's api_syntax string. */
export function syntaxText(): string {
  return `${COMMAND_TABLE.map((e) => `\t\t${e.pcommand}${e.syntax ? ` ${e.syntax}` : ''}`).join('\n')}\n`;
}
