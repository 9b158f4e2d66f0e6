// Constructors for each kind of leg: an outbound SIP leg, a loopback pair, an inbound SIP call. They
// build the channel and its caller profile; the flows create them on the engine and drive them.
import { Channel, L16 } from './channel.js';
import type { SimContext } from './context.js';
import type { PhoneStyle } from './config.js';
import type { CallerId } from './profiles.js';
import { derivedProfile, inheritedCallerId, OUTBOUND_CALL, outboundProfile } from './profiles.js';
import { zeroTimes } from './caller-profile.js';
import { newSipSession } from './sip-session.js';

export type LegRole = 'originate-a' | 'bridge-b' | 'loop-a' | 'loop-b' | 'inbound';

export interface LegMeta {
  role: LegRole;
  /** The `{...}` variables of the dial string, in order. */
  dialVars: Array<[string, string]>;
  /** `user/<name>` legs: the directory user and its variables. */
  dialedUser?: { user: string; domain: string; variables: Array<[string, string]> };
  /** SIP legs: the far end (`params`: URI parameters of a registered contact, e.g. `transport=UDP`). */
  remote?: { user: string; host: string; port: number | undefined; params?: string };
  /** What the far end's responses carry (outbound SIP legs). */
  phone?: PhoneStyle;
  /** Set when the far end has replied (Caller-Network-Addr appears then). */
  originator?: Channel;
  /** The dial string as given (a bridge's current_application_data). */
  rawDial?: string;
  /** An inbound call from sipp's built-in `uac` scenario (To display name, its Subject, no DTMF offer). */
  builtinUac?: boolean;
  /** What the dialplan condition captured (DP_MATCH); the extension by default. */
  dpMatch?: string;
}

const metaByChannel = new WeakMap<Channel, LegMeta>();

export function legMeta(ch: Channel): LegMeta {
  const meta = metaByChannel.get(ch);
  if (!meta) throw new Error(`no leg metadata for ${ch.name}`);
  return meta;
}

/** A variable from the leg's `{...}` block. */
export function dialVarOf(ch: Channel, name: string): string | undefined {
  return metaByChannel.get(ch)?.dialVars.findLast(([k]) => k === name)?.[1];
}

function register(ch: Channel, meta: LegMeta): Channel {
  metaByChannel.set(ch, meta);
  return ch;
}

/** The caller id of a new outbound leg: `{origination_caller_id_*}`, else the originator's callee, else the args. */
export function callerIdFor(
  dialVars: Array<[string, string]>,
  originator: Channel | undefined,
  fallback: Partial<CallerId>,
): CallerId {
  const get = (n: string): string | undefined => dialVars.findLast(([k]) => k === n)?.[1];
  const inherited = originator ? inheritedCallerId(originator.profile) : undefined;
  return {
    name: get('origination_caller_id_name') ?? inherited?.name ?? fallback.name ?? '',
    number: get('origination_caller_id_number') ?? inherited?.number ?? fallback.number ?? '0000000000',
  };
}

export function sofiaOutboundLeg(
  ctx: SimContext,
  opts: {
    uuid: string;
    remote: { user: string; host: string; port: number | undefined; params?: string };
    caller: CallerId;
    orig?: CallerId;
    originator?: Channel;
    meta: Omit<LegMeta, 'remote' | 'originator'>;
    presenceId?: string;
  },
): Channel {
  const { user, host, port } = opts.remote;
  const name = `sofia/internal/${user}@${host}${port === undefined ? '' : `:${port}`}`;
  const callee = { name: OUTBOUND_CALL, number: user };
  const profile = opts.originator
    ? derivedProfile(opts.originator.profile, {
        uuid: opts.uuid,
        channelName: name,
        destination: user,
        caller: opts.caller,
        callee,
        now: ctx.now(),
      })
    : outboundProfile({
        uuid: opts.uuid,
        channelName: name,
        caller: opts.caller,
        ...(opts.orig ? { orig: opts.orig } : {}),
        callee,
        destination: user,
        source: 'src/switch_ivr_originate.c',
        context: 'default',
        now: ctx.now(),
      });
  const ch = new Channel(opts.uuid, name, 'sofia', 'outbound', profile, ctx.nextSessionId());
  if (opts.presenceId) ch.presenceId = opts.presenceId;
  // a sipp UAS at port P uses media port 6100 + 5 (P - 5070) in the lab; any even port will do
  ch.facts.sip = newSipSession(
    true,
    6100 + 5 * Math.max(0, (port ?? 5060) - 5070),
    opts.meta.phone?.toTag ?? 'sipp',
  );
  return register(ch, {
    ...opts.meta,
    remote: opts.remote,
    ...(opts.originator ? { originator: opts.originator } : {}),
  });
}

/** `loopback/<ext>/<context>`: an outbound `-a` leg and an inbound `-b` leg that runs the extension. */
export function loopbackPair(
  ctx: SimContext,
  opts: {
    uuid: string;
    extension: string;
    context: string;
    caller: CallerId;
    orig?: CallerId;
    originator?: Channel;
    meta: Omit<LegMeta, 'role' | 'originator'>;
  },
): [Channel, Channel] {
  const now = ctx.now();
  const net = opts.originator?.profile.networkAddr;
  const callee = { name: OUTBOUND_CALL, number: opts.context };
  const aName = `loopback/${opts.extension}-a`;
  const bName = `loopback/${opts.extension}-b`;
  const bUuid = ctx.uuid();
  const common = {
    caller: opts.caller,
    ...(opts.orig ? { orig: opts.orig } : {}),
    callee,
    destination: opts.extension,
    source: 'mod_loopback',
    context: opts.context,
    dialplan: 'xml',
    ...(net ? { networkAddr: net } : {}),
    now,
  };
  const make = (uuid: string, channelName: string) => {
    if (!opts.originator) return outboundProfile({ ...common, uuid, channelName });
    const p = derivedProfile(opts.originator.profile, {
      uuid,
      channelName,
      destination: opts.extension,
      caller: opts.caller,
      callee,
      now,
    });
    p.source = 'mod_loopback';
    p.dialplan = 'xml';
    p.context = opts.context;
    return p;
  };
  const aProfile = make(opts.uuid, aName);
  const bProfile = make(bUuid, bName);
  bProfile.direction = 'inbound';
  bProfile.logicalDirection = 'inbound';
  const a = new Channel(opts.uuid, aName, 'loopback', 'outbound', aProfile, ctx.nextSessionId());
  const b = new Channel(bUuid, bName, 'loopback', 'inbound', bProfile, ctx.nextSessionId());
  const codec = opts.originator?.readCodec ?? L16;
  a.setCodec(codec);
  b.setCodec(codec);
  b.hitDialplan = true;
  a.loopbackPeer = b;
  b.loopbackPeer = a;
  register(a, { ...opts.meta, role: 'loop-a', ...(opts.originator ? { originator: opts.originator } : {}) });
  register(b, { ...opts.meta, role: 'loop-b', dialVars: [] });
  return [a, b];
}

/** A SIP phone calling in (sipp in the transcripts): `sofia/internal/<user>@<host>:<port>`. */
export function sofiaInboundLeg(
  ctx: SimContext,
  opts: {
    user: string;
    callerIdName: string;
    destination: string;
    host: string;
    port: number;
    builtinUac?: boolean;
  },
): Channel {
  const uuid = ctx.uuid();
  const name = `sofia/internal/${opts.user}@${opts.host}:${opts.port}`;
  const now = ctx.now();
  const times = zeroTimes();
  times.profileCreated = now;
  times.channelCreated = now;
  const ch = new Channel(
    uuid,
    name,
    'sofia',
    'inbound',
    {
      direction: 'inbound',
      logicalDirection: 'inbound',
      username: opts.user,
      dialplan: 'XML',
      callerIdName: opts.callerIdName,
      callerIdNumber: opts.user,
      origCallerIdName: opts.callerIdName,
      origCallerIdNumber: opts.user,
      networkAddr: opts.host,
      ani: opts.user,
      destinationNumber: opts.destination,
      uuid,
      source: 'mod_sofia',
      context: 'default',
      channelName: name,
      profileIndex: '1',
      times,
    },
    ctx.nextSessionId(),
  );
  ch.presenceId = `${opts.user}@${opts.host}`;
  ch.facts.sip = newSipSession(false, 7000 + 10 * Math.max(0, opts.port - 5090));
  return register(ch, {
    role: 'inbound',
    dialVars: [],
    remote: { user: opts.user, host: opts.host, port: opts.port },
    ...(opts.builtinUac ? { builtinUac: true } : {}),
  });
}
