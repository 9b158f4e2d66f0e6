// Live calls from the tracked state (never by asking FreeSWITCH per request):
//   GET /my/activecdrs        the user's calls, as caller or callee (sipX `cdrs/cdr`)
//   GET /activecdrs/{user}    the same for any user (admin)
//   GET /api/activecalls      every live call on every node, with its node and legs (admin, JSON)
// Each entry has exactly sipX's fields (from, from-aor, to, to-aor, direction, recipient, internal, type,
// start-time, duration: domain/sipx-elements.ts); with `?extended=true` two extras follow: `uuid`, the
// call's id (what click-to-call answered with), and `state` (ringing / answered / bridged / ending, see
// state/call-progress.ts).
// A node that is not in sync makes the per-user views answer 503: a list missing that node's calls
// would look like those calls had ended. The admin view lists what it has and names the missing nodes.
import type { Context, Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import { requireAdmin } from '../auth.js';
import { currentUser, type AppEnv } from '../context.js';
import { badRequest, nodeUnavailable } from '../errors.js';
import { wantsExtended } from '../extended.js';
import { formatOf, JSON_CONTENT_TYPE, respondJson, XML_CONTENT_TYPE, xmlSafeText } from '../represent.js';
import { activeCdr, isLive, type ActiveCdr } from '../../state/active-cdr.js';
import type { Call } from '../../state/calls.js';
import { callProgress, type CallProgress } from '../../state/call-progress.js';
import { legView, type LegView } from '../../state/leg-view.js';
import { nodesBySync } from '../../state/live-lookups.js';
import { EXTENDED_CDR_ELEMENTS, SIPX_CDR_ELEMENTS } from '../../domain/sipx-elements.js';

export type ExtendedCdr = ActiveCdr & { uuid: string; state: CallProgress };

/** sipX's elements, in sipX's order (activeCdr builds its object in this order). */
export const CDR_FIELDS = SIPX_CDR_ELEMENTS satisfies ReadonlyArray<keyof ActiveCdr>;
/** sipX's elements, then the extras of `?extended=true`. */
export const EXTENDED_CDR_FIELDS = [
  ...SIPX_CDR_ELEMENTS,
  ...EXTENDED_CDR_ELEMENTS,
] as const satisfies ReadonlyArray<keyof ExtendedCdr>;

/** One fixed object shape (JSON.stringify's fast path), fields in sipX's order, then the extras. */
export function extendedCdr(call: Call, user: string, domain: string, now: number): ExtendedCdr {
  const cdr = activeCdr(call, user, { domain, now });
  return {
    from: cdr.from,
    'from-aor': cdr['from-aor'],
    to: cdr.to,
    'to-aor': cdr['to-aor'],
    direction: cdr.direction,
    recipient: cdr.recipient,
    internal: cdr.internal,
    type: cdr.type,
    'start-time': cdr['start-time'],
    duration: cdr.duration,
    uuid: call.id,
    state: callProgress(call),
  };
}

/** Printable ASCII but the five specials: written as is (most values: numbers, names, uuids). */
const PLAIN_RE = /^[ !#-%(-;=?-~]*$/;
const PRINTABLE_ASCII_RE = /^[ -~]*$/;

function xmlText(value: string | number | boolean): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (PLAIN_RE.test(value)) return value;
  // Same entities as fast-xml-parser's builder; characters XML cannot carry become U+FFFD first.
  const text = PRINTABLE_ASCII_RE.test(value) ? value : xmlSafeText(value);
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const entity = XML_ENTITIES[text.charCodeAt(i)];
    if (entity === undefined) continue;
    out += text.slice(from, i) + entity;
    from = i + 1;
  }
  return out + text.slice(from);
}

const XML_ENTITIES: Array<string | undefined> = [];
XML_ENTITIES[0x26] = '&amp;';
XML_ENTITIES[0x3c] = '&lt;';
XML_ENTITIES[0x3e] = '&gt;';
XML_ENTITIES[0x22] = '&quot;';
XML_ENTITIES[0x27] = '&apos;';
type CdrValue = string | number | boolean;

/**
 * `<cdrs><cdr>...</cdr></cdrs>` written directly, one element per field in `fields`' order: the same
 * bytes the generic renderer (represent.ts) produces for this document (a unit test holds them equal),
 * at a fraction of its cost. Wallboards poll this every second from many screens.
 */
function cdrsXmlWriter<K extends string>(
  fields: readonly K[],
): (cdrs: ReadonlyArray<Readonly<Record<K, CdrValue>>>) => string {
  const open = fields.map((field) => `<${field}>`);
  const close = fields.map((field) => `</${field}>`);
  return (cdrs) => {
    let xml = '<?xml version="1.0" encoding="UTF-8"?>\n<cdrs>';
    for (const cdr of cdrs) {
      xml += '<cdr>';
      for (let i = 0; i < fields.length; i++) xml += open[i]! + xmlText(cdr[fields[i]!]) + close[i]!;
      xml += '</cdr>';
    }
    return `${xml}</cdrs>`;
  };
}

/** sipX's document: exactly sipX's elements. */
export const renderCdrsXml: (cdrs: readonly ActiveCdr[]) => string = cdrsXmlWriter(CDR_FIELDS);
/** The `?extended=true` document: sipX's elements, then uuid and state. */
export const renderExtendedCdrsXml: (cdrs: readonly ExtendedCdr[]) => string =
  cdrsXmlWriter(EXTENDED_CDR_FIELDS);

/** What FreeSWITCH's channels may name as a user (channel-user.ts keeps at most this). */
const CDR_USER_RE = /^[A-Za-z0-9+*#._@-]{1,64}$/;
const NO_STORE = { 'Cache-Control': 'no-store' } as const;

const byStartTime = (a: { 'start-time': number }, b: { 'start-time': number }) =>
  a['start-time'] - b['start-time'];

export type AdminCall = Omit<ActiveCdr, 'direction'> & {
  /** INCOMING: a phone or trunk called the switch; OUTGOING: the switch placed it (click-to-call, dial). */
  direction: 'INCOMING' | 'OUTGOING';
  uuid: string;
  node: string;
  state: CallProgress;
  legs: LegView[];
};

export function registerActiveCallRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  const { domains } = deps.control;
  const configured = domains.configured;
  /** The AOR domain per node: FS_DOMAIN, else the node's `domain` (asked once, then cached). */
  const domainLookup = () => {
    const seen = new Map<string, string>();
    return async (nodeId: string): Promise<string> => {
      let domain = seen.get(nodeId);
      if (domain === undefined) seen.set(nodeId, (domain = await domains.domainFor(nodeId)));
      return domain;
    };
  };

  /** The user's live calls, each built by `build`, by start time. */
  const collect = async <T extends ActiveCdr>(
    user: string,
    build: (call: Call, domain: string, now: number) => T,
  ): Promise<T[]> => {
    const { calls, unavailable } = deps.live.callsForUser(user);
    if (unavailable.length > 0) throw nodeUnavailable();
    const now = Date.now();
    const domainOf = domainLookup();
    const cdrs: T[] = [];
    for (const { nodeId, call } of calls) {
      // With FS_DOMAIN set (the common case) this costs no promise per call.
      const domain = configured ?? (await domainOf(nodeId));
      // Checked after that await: events may have ended the call meanwhile (its legs gone).
      if (isLive(call)) cdrs.push(build(call, domain, now));
    }
    return cdrs.sort(byStartTime);
  };

  const answer = <T extends ActiveCdr>(c: Context<AppEnv>, cdrs: T[], renderXml: (cdrs: T[]) => string) =>
    formatOf(c) === 'json'
      ? c.body(JSON.stringify({ cdrs }), 200, { ...NO_STORE, 'Content-Type': JSON_CONTENT_TYPE })
      : c.body(renderXml(cdrs), 200, { ...NO_STORE, 'Content-Type': XML_CONTENT_TYPE });

  const userCdrs = async (c: Context<AppEnv>, user: string) => {
    if (wantsExtended(c)) {
      const cdrs = await collect(user, (call, domain, now) => extendedCdr(call, user, domain, now));
      return answer(c, cdrs, renderExtendedCdrsXml);
    }
    const cdrs = await collect(user, (call, domain, now) => activeCdr(call, user, { domain, now }));
    return answer(c, cdrs, renderCdrsXml);
  };

  app.get('/my/activecdrs', (c) => userCdrs(c, currentUser(c).userName));

  app.get('/activecdrs/:user', requireAdmin, (c) => {
    const user = c.req.param('user');
    if (!CDR_USER_RE.test(user)) throw badRequest('not a user name', 'user');
    return userCdrs(c, user);
  });

  app.get('/api/activecalls', requireAdmin, async (c) => {
    const live = deps.live;
    const now = Date.now();
    const domainOf = domainLookup();
    const calls: AdminCall[] = [];
    const { synced, unavailable: unavailableNodes } = nodesBySync(live);
    for (const node of synced) {
      const domain = configured ?? (await domainOf(node.nodeId));
      for (const call of node.calls.calls.values())
        if (isLive(call)) calls.push(adminCall(call, node.nodeId, domain, now));
    }
    if (unavailableNodes.length > 0 && unavailableNodes.length === live.nodeIds().length)
      throw nodeUnavailable();
    calls.sort(byStartTime);
    return respondJson(c, 200, { cdrs: calls, unavailableNodes });
  });
}

function adminCall(call: Call, node: string, domain: string, now: number): AdminCall {
  const origin = call.legs.find((leg) => leg.uuid === call.id) ?? call.legs[0];
  // Seen from the caller: activeCdr's from/to/recipient do not depend on whose view it is.
  const cdr = activeCdr(call, '', { domain, now });
  return {
    ...cdr,
    direction: origin?.direction === 'inbound' ? 'INCOMING' : 'OUTGOING',
    uuid: call.id,
    node,
    state: callProgress(call),
    legs: call.legs.map(legView),
  };
}
