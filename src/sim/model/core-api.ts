// The non-conference api commands the daemon uses: `show channels|calls [as json]`, `status`,
// `version`, `uuid_kill`, `uuid_dump`, `hupall`, and FreeSWITCH's reply to an unknown command.
import { buildEvent, formatEventDateLocal } from '../event-builder.js';
import { serializeJsonEvent, serializePlainEvent } from '../wire.js';
import type { CallEngine } from './calls.js';
import type { Channel } from './channel.js';
import type { SimContext } from './context.js';
import { legMeta } from './legs.js';

export const VERSION_REPLY = 'FreeSWITCH Version 1.11.2-release~64bit ( 64bit)\n';

const secs = (micros: number): string => String(Math.floor(micros / 1_000_000));

/** Legs FreeSWITCH placed itself: their callee came back from the far end. */
function placedLeg(ch: Channel): boolean {
  const role = legMeta(ch).role;
  return role !== 'loop-b' && role !== 'inbound';
}

/** The direction of the leg's last caller-id update (CALL_UPDATE), else what its role implies. */
function calleeDirection(ch: Channel): string {
  return ch.calleeUpdate ?? (placedLeg(ch) ? 'RECV' : '');
}

function channelRow(ch: Channel, hostname: string): Array<[string, string]> {
  const p = ch.profile;
  const outboundRole = placedLeg(ch);
  return [
    ['uuid', ch.uuid],
    ['direction', ch.direction],
    ['created', formatEventDateLocal(p.times.channelCreated)],
    ['created_epoch', secs(p.times.channelCreated)],
    ['name', ch.name],
    ['state', ch.stateName],
    ['cid_name', p.callerIdName],
    ['cid_num', p.callerIdNumber],
    ['ip_addr', p.networkAddr ?? ''],
    ['dest', p.destinationNumber],
    ['application', ch.application],
    ['application_data', ch.applicationData],
    ['dialplan', ch.showDialplan || p.dialplan || ''],
    ['context', p.context],
    ['read_codec', ch.readCodec?.name ?? ''],
    ['read_rate', ch.readCodec ? String(ch.readCodec.rate) : ''],
    ['read_bit_rate', ch.readCodec ? String(ch.readCodec.bitRate) : ''],
    ['write_codec', ch.writeCodec?.name ?? ''],
    ['write_rate', ch.writeCodec ? String(ch.writeCodec.rate) : ''],
    ['write_bit_rate', ch.writeCodec ? String(ch.writeCodec.bitRate) : ''],
    ['secure', ''],
    ['hostname', hostname],
    ['presence_id', ch.presenceId ?? ''],
    ['presence_data', ''],
    ['accountcode', ch.vars.get('accountcode') ?? ''],
    ['callstate', ch.callState],
    ['callee_name', p.calleeIdName ?? ''],
    ['callee_num', p.calleeIdNumber ?? ''],
    ['callee_direction', calleeDirection(ch)],
    ['call_uuid', outboundRole ? ch.callUuid : ''],
    ['sent_callee_name', ch.sentCalleeName],
    ['sent_callee_num', ch.sentCalleeNumber],
    ['initial_cid_name', ch.initial.cidName],
    ['initial_cid_num', ch.initial.cidNumber],
    ['initial_ip_addr', ch.initial.ip],
    ['initial_dest', ch.initial.dest],
    ['initial_dialplan', ch.initial.dialplan],
    ['initial_context', ch.initial.context],
  ];
}

const CALL_SIDE = [
  'uuid',
  'direction',
  'created',
  'created_epoch',
  'name',
  'state',
  'cid_name',
  'cid_num',
  'ip_addr',
  'dest',
  'presence_id',
  'presence_data',
  'accountcode',
  'callstate',
  'callee_name',
  'callee_num',
  'callee_direction',
] as const;

function callRow(a: Channel, hostname: string): Array<[string, string]> {
  const row = new Map(channelRow(a, hostname));
  const b = a.bridgedTo;
  const bRow = b ? new Map(channelRow(b, hostname)) : undefined;
  const out: Array<[string, string]> = CALL_SIDE.map((k) => [k, row.get(k) ?? '']);
  out.push(
    ['call_uuid', row.get('call_uuid') ?? ''],
    ['hostname', hostname],
    ['sent_callee_name', a.sentCalleeName],
    ['sent_callee_num', a.sentCalleeNumber],
  );
  for (const k of CALL_SIDE) out.push([`b_${k}`, bRow?.get(k) ?? '']);
  out.push(
    ['b_sent_callee_name', b?.sentCalleeName ?? ''],
    ['b_sent_callee_num', b?.sentCalleeNumber ?? ''],
    ['call_created_epoch', b ? secs(a.profile.times.bridged) : ''],
  );
  return out;
}

function render(rows: Array<Array<[string, string]>>, json: boolean): string {
  if (json) {
    // mod_commands writes the empty case by hand (click-to-call-dialplan-ext.txt)
    if (rows.length === 0) return '{"row_count": 0}\n';
    const objs = rows.map(
      (r) => `{${r.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`,
    );
    return `{"row_count":${rows.length},"rows":[${objs.join(',')}]}`;
  }
  if (rows.length === 0) return '\n0 total.\n';
  const header = rows[0]!.map(([k]) => k).join(',');
  const lines = rows.map((r) => r.map(([, v]) => v).join(','));
  return `${header}\n${lines.join('\n')}\n\n${rows.length} total.\n`;
}

export function showCommand(engine: CallEngine, ctx: SimContext, args: string): string {
  const argv = args.split(' ').filter(Boolean);
  const what = argv[0]?.toLowerCase();
  const json =
    argv.length >= 3 &&
    argv[argv.length - 2]?.toLowerCase() === 'as' &&
    argv[argv.length - 1]?.toLowerCase() === 'json';
  const live = [...engine.channels.values()].filter((c) => !c.destroyed);
  const host = ctx.identity.hostname;
  if (what === 'channels')
    return render(
      live.map((c) => channelRow(c, host)),
      json,
    );
  if (what === 'calls') {
    const rows = live
      .filter((c) => !(c.bridgedTo && c.other?.type === 'originator'))
      .map((c) => callRow(c, host));
    return render(rows, json);
  }
  return '-USAGE: codec|endpoint|application|api|dialplan|file|timer|calls [count]|channels [count|like <match string>]|calls|detailed_calls|bridged_calls|detailed_bridged_calls|aliases|complete|chat|management|modules|nat_map|say|interfaces|interface_types|tasks|limits|status\n';
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** switch_core_measure_time as `status` and HEARTBEAT's Up-Time print it: `0 years, 0 days, ...`. */
export function upTimeText(uptimeMicros: number): string {
  let us = Math.max(0, uptimeMicros);
  const take = (unit: number): number => {
    const n = Math.floor(us / unit);
    us -= n * unit;
    return n;
  };
  const years = take(365 * 86_400e6);
  const days = take(86_400e6);
  const hours = take(3_600e6);
  const minutes = take(60e6);
  const seconds = take(1e6);
  const millis = take(1e3);
  return (
    `${plural(years, 'year')}, ${plural(days, 'day')}, ${plural(hours, 'hour')}, ${plural(minutes, 'minute')}, ` +
    `${plural(seconds, 'second')}, ${plural(millis, 'millisecond')}, ${plural(us, 'microsecond')}`
  );
}

export function statusReply(engine: CallEngine, ctx: SimContext): string {
  const sessions = engine.channels.size;
  return (
    `UP ${upTimeText(ctx.now() - ctx.startedAt)}\n` +
    // switch_core_ready(): false once shutdown began (and while FreeSWITCH is starting or paused).
    `FreeSWITCH (Version 1.11.2-release  64bit) is ${ctx.ready ? 'ready' : 'not ready'}\n` +
    `${ctx.sessionsSinceStart} session(s) since startup\n` +
    `${sessions} session(s) - peak ${ctx.peakSessions}, last 5min ${ctx.peakSessions} \n` +
    '0 session(s) per Sec out of max 30, peak 4, last 5min 4 \n' +
    '1000 session(s) max\n' +
    'min idle cpu 0.00/98.27\n' +
    'Current Stack Size/Max 240K/8192K\n'
  );
}

export function uuidKill(engine: CallEngine, args: string): string {
  const [uuid, cause] = args.split(' ').filter(Boolean);
  if (!uuid) return '-USAGE: <uuid> [cause]\n';
  const ch = engine.get(uuid);
  if (!ch || ch.hungUp) return '-ERR No such channel!\n';
  engine.hangup(ch, cause ?? 'NORMAL_CLEARING');
  return '+OK\n';
}

/**
 * `uuid_dump <uuid> [json|txt]` (mod_commands uuid_dump_function): the channel's data as a
 * CHANNEL_DATA event that is not fired, only serialized: json as an event-json body (recorded in
 * click-to-call-dialplan-ext.txt), txt url-encoded like an event-plain body. (The unencoded `plain`
 * and `xml` forms are not modelled; they answer as txt.)
 */
export function uuidDump(engine: CallEngine, ctx: SimContext, args: string): string {
  const [uuid, format = 'txt'] = args.split(' ').filter(Boolean);
  if (!uuid) return '-USAGE: <uuid> [format]\n';
  const ch = engine.get(uuid);
  if (!ch || ch.destroyed) return '-ERR No such channel!\n';
  const event = buildEvent(
    ctx.identity,
    {
      name: 'CHANNEL_DATA',
      callingFile: 'mod_commands.c',
      callingFunction: 'uuid_dump_function',
      callingLine: 6495,
    },
    [...ch.basicHeaders(), ...ch.vars.headers()],
    undefined,
    () => ctx.now(),
  );
  return format.toLowerCase() === 'json' ? serializeJsonEvent(event) : serializePlainEvent(event);
}

export function hupall(engine: CallEngine, args: string): string {
  const [causeArg, variable, value] = args.split(' ').filter(Boolean);
  const cause = causeArg ?? 'NORMAL_CLEARING';
  for (const ch of [...engine.channels.values()]) {
    if (ch.hungUp) continue;
    if (variable && ch.vars.get(variable) !== value) continue;
    engine.hangup(ch, cause);
  }
  return variable
    ? `+OK hangup all channels matching [${variable}]=[${value ?? ''}] with cause ${cause}\n`
    : `+OK hangup all channels with cause ${cause}\n`;
}
