// `api conference ...`: finds the conference, dispatches through the command table the way
// conference_api_dispatch does (member targets `<id>|all|last|non_moderator`, usage on bad arguments),
// and answers with FreeSWITCH's exact texts, inconsistencies included.
import type { Conference } from './conference.js';
import { CONF_SITES, fireConferenceEvent, fireMemberEvent } from './conference-events.js';
import { jsonList, listHeader, listMembers, prettyMembers, xmlList } from './conference-lists.js';
import type { MemberCommandHost } from './conference-member-commands.js';
import { atoi, MEMBER_COMMANDS } from './conference-member-commands.js';
import { chkrecordCommand, norecordCommand, recordCommand } from './conference-recording.js';
import { relateCommand } from './conference-relate.js';
import type { CommandResult, TableEntry } from './conference-table.js';
import { bad, findCommand, helpText, ok, syntaxText, usage } from './conference-table.js';
import type { Member } from './member.js';
import { CONF_DEFAULT_LEADIN_MS } from './sounds.js';

export interface ConferenceApiHost extends MemberCommandHost {
  /** `dial`: originate and join; resolves with the hangup cause name (`SUCCESS` when it joined). */
  dial(
    confName: string,
    profile: string,
    target: string,
    cidNumber?: string,
    cidName?: string,
  ): Promise<string>;
  /** `bgdial`: the same in the background; bgdial-result reports it. */
  bgdial(
    confName: string,
    profile: string,
    target: string,
    jobUuid: string,
    cidNumber?: string,
    cidName?: string,
  ): void;
  /** `transfer`: fire the transfer event and move the member to another conference (same member id). */
  transfer(from: Conference, member: Member, toName: string, toProfile: string): void;
  /** Whether a TTS engine is loaded (`say` fails without one, as in a vanilla install without mod_flite). */
  tts: boolean;
}

type Result = CommandResult;
type SplitHandler = (host: ConferenceApiHost, conf: Conference, argv: string[]) => Result | Promise<Result>;

function memberByStr(conf: Conference, id: string | undefined): Member | undefined {
  const n = atoi(id) >>> 0;
  return n ? conf.member(n) : undefined;
}

const SPLIT: Record<string, SplitHandler> = {
  count: (_h, conf) => ok(String(conf.count)),
  list: (host, conf, argv) => {
    const arg = argv[2]?.toLowerCase();
    if (arg === 'count') return ok(String(conf.count));
    if (arg === 'pretty') return ok(prettyMembers(conf));
    const delim = arg === 'delim' && argv[3] ? argv[3].replace(/^"([^"]*)"?.*$/, '$1') || ';' : ';';
    return ok(listMembers(conf, delim));
  },
  xml_list: (host, conf) => ok(xmlList([conf], host.ctx.now())),
  json_list: (host, conf, argv) =>
    ok(jsonList([conf], host.ctx.now(), argv.length === 3 && argv[2] === 'compact')),
  lock: (host, conf, argv) => {
    host.conferences.media.enqueue(conf, host.conferences.sounds.locked, CONF_DEFAULT_LEADIN_MS);
    conf.locked = true;
    fireConferenceEvent(host.ctx, conf, 'lock', CONF_SITES.lock);
    return ok(`+OK ${argv[0]} locked\n`);
  },
  unlock: (host, conf, argv) => {
    host.conferences.media.enqueue(conf, host.conferences.sounds.unlocked, CONF_DEFAULT_LEADIN_MS);
    conf.locked = false;
    fireConferenceEvent(host.ctx, conf, 'unlock', CONF_SITES.unlock);
    return ok(`+OK ${argv[0]} unlocked\n`);
  },
  pin: (_h, conf, argv) => {
    if (argv.length === 4 && argv[2] === 'mod') {
      conf.variables.set('moderator_pin', argv[3]!);
      conf.moderatorPin = argv[3];
      return ok(`+OK Moderator Pin for conference ${argv[0]} set: ${argv[3]}\n`);
    }
    if (argv.length === 3 && argv[1] === 'pin') {
      conf.pin = argv[2];
      return ok(`+OK Pin for conference ${argv[0]} set: ${argv[2]}\n`);
    }
    if (argv.length === 2 && argv[1] === 'nopin') {
      conf.pin = undefined;
      return ok(`+OK Pin for conference ${argv[0]} deleted\n`);
    }
    return bad('-ERR Invalid parameters:\n');
  },
  play: (host, conf, argv) => {
    let argc = argv.length;
    let async = false;
    if (
      (argc === 4 && argv[3]!.toLowerCase() === 'async') ||
      (argc === 5 && argv[4]!.toLowerCase() === 'async')
    ) {
      argc--;
      async = true;
    }
    const file = argv[2];
    if (argc === 3 && file) {
      host.conferences.media.enqueue(conf, file);
      fireConferenceEvent(host.ctx, conf, 'play-file', CONF_SITES.play, [
        ['File', file],
        ['Async', async ? 'true' : 'false'],
      ]);
      return ok(`+OK (play) Playing file ${file}\n`);
    }
    if (argc >= 4 && file) {
      const member = memberByStr(conf, argv[3]);
      if (!member) return bad(`-ERR Member: ${argv[3]} not found.\n`);
      host.conferences.media.playToMember(conf, member, file);
      fireMemberEvent(host.ctx, conf, member, 'play-file-member', CONF_SITES.playMember, {
        after: [['File', file]],
      });
      return ok(`+OK (play) Playing file ${file} to member ${member.id}\n`);
    }
    return bad();
  },
  stop: (host, conf, argv) => {
    const what = argv.length > 2 ? argv[2]!.toLowerCase() : 'all';
    if (what !== 'current' && what !== 'all' && what !== 'async') return bad();
    if (argv.length === 4) {
      const member = memberByStr(conf, argv[3]);
      if (!member) return ok(`-ERR Member: ${argv[3]} not found.\n`);
      return ok(`+OK Stopped ${host.conferences.media.stopMember(member)} files.\n`);
    }
    return ok(`+OK Stopped ${host.conferences.media.stop(conf, what)} files.\n`);
  },
  relate: (_h, conf, argv) => relateCommand(conf, argv),
  getvar: (_h, conf, argv) => ok(argv[2] ? (conf.variables.get(argv[2]) ?? '') : ''),
  setvar: (_h, conf, argv) => {
    if (argv[2]) {
      if (argv[3] === undefined) conf.variables.delete(argv[2]);
      else conf.variables.set(argv[2], argv[3]);
    }
    return ok('+OK\n');
  },
  dial: async (host, conf, argv) => {
    if (argv.length <= 2) return bad('-ERR Bad Args\n');
    const cause = await host.dial(conf.name, conf.profile, argv[2]!, argv[3], argv[4]);
    return ok(`+OK Call Requested: result: [${cause}]\n`);
  },
  bgdial: (host, conf, argv) => {
    if (argv.length <= 2) return bad('-ERR Bad Args\n');
    const job = host.ctx.uuid();
    host.bgdial(conf.name, conf.profile, argv[2]!, job, argv[3], argv[4]);
    return ok(`+OK Job-UUID: ${job}\n`);
  },
  transfer: (host, conf, argv) => {
    if (argv.length <= 3 || !argv[2]) return bad();
    const [toName = '', toProfile = 'default'] = argv[2].split('@');
    let out = '';
    for (const id of argv.slice(3)) {
      const member = memberByStr(conf, id);
      if (!member) {
        out += `-ERR No Member ${id} in conference ${conf.name}.\n`;
        continue;
      }
      out += `+OK Member '${member.id}' sent to conference ${argv[2]}.\n`;
      host.transfer(conf, member, toName, toProfile || 'default');
    }
    return ok(out);
  },
  record: (host, conf, argv) => recordCommand(host.ctx, conf, argv),
  chkrecord: (_h, conf) => chkrecordCommand(conf),
  norecord: (host, conf, argv) => norecordCommand(host.ctx, conf, argv),
  get: (host, conf, argv) => {
    if (argv.length !== 3) return bad();
    const values: Record<string, string> = {
      run_time: String(Math.floor((host.ctx.now() - conf.createdAt) / 1e6)),
      count: String(conf.count),
      count_ghosts: '0',
      max_members: String(conf.maxMembers),
      rate: '8000',
      profile_name: conf.profile,
      is_locked: conf.locked ? 'locked' : '',
      uuid: conf.uuid,
      wait_mod: conf.waitingForModerator ? 'true' : '',
      endconference_grace_time: '0',
    };
    const v = values[argv[2]!.toLowerCase()];
    return v === undefined ? bad() : ok(v);
  },
  set: (_h, conf, argv) => {
    if (argv.length !== 4 || !argv[3]) return bad();
    if (argv[2]!.toLowerCase() === 'max_members' && atoi(argv[3]) >= 0) {
      const old = conf.maxMembers;
      conf.maxMembers = atoi(argv[3]);
      return ok(String(old));
    }
    return bad();
  },
};

const TEXT: Record<string, (host: ConferenceApiHost, conf: Conference, text: string) => Result> = {
  say: (host, conf, text) => {
    if (!text) return bad('-ERR (say) Error! No text.\n');
    if (!host.tts || conf.count === 0) return bad('-ERR (say) Error!\n');
    fireConferenceEvent(host.ctx, conf, 'speak-text', CONF_SITES.say, [['Text', text]]);
    return ok('+OK (say) OK\n');
  },
  saymember: (host, conf, text) => {
    const space = text.indexOf(' ');
    const id = space === -1 ? text : text.slice(0, space);
    const words = space === -1 ? '' : text.slice(space + 1);
    if (!text || !words) return bad('-ERR (saymember) No Text!\n');
    const member = memberByStr(conf, id);
    if (!member) return bad(`-ERR (saymember) Unknown Member ${id}!\n`);
    if (!host.tts) return bad('-ERR (saymember) Error!\n');
    fireMemberEvent(host.ctx, conf, member, 'speak-text-member', CONF_SITES.sayMember, {
      after: [['Text', words]],
    });
    return ok('+OK (saymember) OK\n');
  },
};

function notModelled(entry: TableEntry): string {
  return `-ERR simulator: conference command '${entry.pname}' is not modelled\n`;
}

/** conference_api_dispatch for an existing conference; argv[0] is its name, argv[1] the command. */
export async function dispatch(
  host: ConferenceApiHost,
  conf: Conference,
  argv: string[],
  cmdline: string,
): Promise<string> {
  const entry = findCommand(argv[1]!);
  if (!entry) return `-ERR Conference command '${argv[1]}' not found.\n`;
  if (entry.kind === 'member') {
    const run = MEMBER_COMMANDS[entry.pname];
    if (!run) return notModelled(entry);
    const target = argv[2];
    const data = argv[3];
    const id = atoi(target) >>> 0;
    const word = target?.toLowerCase();
    if (!id && (word === 'all' || word === 'non_moderator')) {
      return conf.members
        .filter((m) => word === 'all' || !m.moderator)
        .map((m) => run(host, conf, m, data))
        .join('');
    }
    if (!id && word === 'last') {
      const last = conf.members.reduce<Member | undefined>(
        (best, m) => (!best || m.id > best.id ? m : best),
        undefined,
      );
      return last ? run(host, conf, last, data) : '';
    }
    if (id) {
      const member = conf.member(id);
      return member ? run(host, conf, member, data) : `-ERR Non-Existant ID ${id}\n`;
    }
    if (target?.includes('=')) return '-ERR Non-Existant member\n';
    return usage(entry);
  }
  if (entry.kind === 'text') {
    const handler = TEXT[entry.pname];
    if (!handler) return notModelled(entry);
    const at = cmdline.indexOf(entry.pname);
    const text = at === -1 ? '' : cmdline.slice(at + entry.pname.length).replace(/^[ \t]+/, '');
    const r = handler(host, conf, text);
    return r.usage ? r.out + usage(entry) : r.out;
  }
  const handler = SPLIT[entry.pname] ?? (entry.pname === 'nopin' ? SPLIT['pin'] : undefined);
  if (!handler) return notModelled(entry);
  const r = await handler(host, conf, argv);
  return r.usage ? r.out + usage(entry) : r.out;
}

/** `api conference <args>`. */
export async function conferenceApi(host: ConferenceApiHost, args: string): Promise<string> {
  const argv = args.split(' ').filter((a) => a !== '');
  if (argv.length === 0) return helpText();
  const conf = host.conferences.get(argv[0]!);
  if (conf) {
    if (argv.length < 2) return "Conference command, not specified.\nTry 'help'\n";
    return dispatch(host, conf, argv, args);
  }
  const first = argv[0]!.toLowerCase();
  const all = host.conferences.all();
  if (first === 'list') {
    if (all.length === 0) return '+OK No active conferences.\n';
    const summary = argv[1]?.toLowerCase() === 'summary';
    return all.map((c) => listHeader(c) + (summary ? '' : listMembers(c))).join('');
  }
  if (first === 'count') return String(all.length);
  if (first === 'xml_list') return xmlList(all, host.ctx.now());
  if (first === 'json_list') return jsonList(all, host.ctx.now(), argv.length === 2 && argv[1] === 'compact');
  if (first === 'help' || first === 'commands') return syntaxText();
  const sub = argv[1]?.toLowerCase();
  if (sub === 'dial' || sub === 'bgdial') {
    const entry = findCommand(sub)!;
    if (argv.length <= 2) return `-ERR Bad Args\n${usage(entry)}`;
    const [name = '', profile = 'default'] = argv[0]!.split('@');
    if (sub === 'dial') {
      const cause = await host.dial(name, profile || 'default', argv[2]!, argv[3], argv[4]);
      return `+OK Call Requested: result: [${cause}]\n`;
    }
    const job = host.ctx.uuid();
    host.bgdial(name, profile || 'default', argv[2]!, job, argv[3], argv[4]);
    return `+OK Job-UUID: ${job}\n`;
  }
  return `-ERR Conference ${argv[0]} not found\n`;
}
