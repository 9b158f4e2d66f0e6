// Click-to-call `{to}`: an extension, a phone number or a SIP URI, turned into a typed target and then
// into the destination `originate` runs once the user's own phone answers. sip.js is used only as a
// syntax check of SIP URIs: it percent-decodes the user part (so `%0D%0A` becomes CR LF), accepts any
// length, ports 0 or 99999 and hosts such as `-x.com`; our own allow-list applies to what it decoded.
//
// `tel:` URIs: accepted only as global numbers (`tel:+15551234567`, visual separators - . ( ) allowed)
// and without parameters; a local number would need `;phone-context=`, which no dialplan here reads.
// `sips:` is refused: the daemon does not know which profile would carry TLS.
import { UserAgent } from 'sip.js';
import type { DialPolicy } from './dial-policy.js';
import { checkDialString, isSafeHost } from './dial-policy.js';
import type { Check } from './check.js';
import { fail, ok } from './check.js';
import { decodeUrlComponentOnce } from './url-decoding.js';

export type CallTarget =
  | { kind: 'extension'; user: string }
  | { kind: 'number'; user: string }
  | { kind: 'sip'; user: string; host: string; port?: number };

export const MAX_CALL_TARGET = 256;
/** The user part of a SIP target after decoding: what a dialplan or a SIP peer may see. */
export const CALL_USER_RE = /^[+]?[0-9A-Za-z*#._-]{1,64}$/;
const EXTENSION_RE = /^[0-9A-Za-z*#][0-9A-Za-z*#._-]{0,63}$/;
/** sipX stripped these from phone numbers typed by people: `+1 (555) 123-4567`, `[555].123.4567`. */
const SEPARATED_NUMBER_RE = /^\+?[0-9()[\]{}. -]+$/;
const NUMBER_RE = /^\+?[0-9]{1,32}$/;

/** Parses the raw (still percent-encoded) `{to}` path segment. Never throws. */
export function parseCallTarget(rawSegment: string): Check<CallTarget> {
  if (rawSegment.length > MAX_CALL_TARGET * 3)
    return fail(`target longer than ${MAX_CALL_TARGET} characters`);
  const decoded = decodeUrlComponentOnce(rawSegment, MAX_CALL_TARGET);
  if (!decoded.ok) return decoded;
  return parseDecodedCallTarget(decoded.value);
}

/** Same as parseCallTarget for a value that was already percent-decoded once. */
export function parseDecodedCallTarget(text: string): Check<CallTarget> {
  if (text.length === 0) return fail('empty target');
  if (text.length > MAX_CALL_TARGET) return fail(`target longer than ${MAX_CALL_TARGET} characters`);
  const lower = text.toLowerCase();
  if (lower.startsWith('sip:')) return parseSipUri(text);
  if (lower.startsWith('tel:')) return parseTelUri(text.slice(4));
  if (lower.startsWith('sips:')) return fail('sips: URIs are not supported');
  if (text.includes(':')) return fail('only sip: and tel: URIs are supported');
  if (SEPARATED_NUMBER_RE.test(text) && /[0-9]/.test(text)) {
    const number = text.replace(/[()[\]{}. -]/g, '');
    if (!NUMBER_RE.test(number)) return fail('a phone number is + and up to 32 digits');
    const plain = number === text && !number.startsWith('+');
    return ok(plain ? { kind: 'extension', user: number } : { kind: 'number', user: number });
  }
  if (EXTENSION_RE.test(text)) return ok({ kind: 'extension', user: text });
  return fail('not an extension, phone number or SIP URI');
}

/**
 * Everything our allow-list could accept, before sip.js looks: its parser costs about 0.5 ms per URI,
 * so hostile shapes are refused here first. `%` stays allowed in the user part (SIP escapes); what
 * sip.js decodes is checked again afterwards.
 */
const SIP_SHAPE_RE = /^sip:[A-Za-z0-9+*#._%-]{1,192}@[A-Za-z0-9.-]{1,253}(?::[0-9]{1,5})?(?:;user=phone)?$/i;

function parseSipUri(text: string): Check<CallTarget> {
  if (!SIP_SHAPE_RE.test(text)) return fail('not a SIP URI of the form sip:user@host[:port][;user=phone]');
  let uri: ReturnType<typeof UserAgent.makeURI>;
  try {
    uri = UserAgent.makeURI(text);
  } catch {
    uri = undefined;
  }
  if (uri === undefined || uri.scheme !== 'sip') return fail('not a valid SIP URI');
  if (Object.keys(uri.headers).length > 0) return fail('SIP URI headers (?...) are not allowed');
  const params = Object.entries(uri.parameters);
  if (!params.every(([name, value]) => name === 'user' && value === 'phone'))
    return fail('SIP URI parameters other than user=phone are not allowed');
  const user = uri.user;
  if (user === undefined || !CALL_USER_RE.test(user))
    return fail('SIP user must be 1-64 of letters, digits, + * # . _ -');
  const host = uri.host.toLowerCase();
  if (!isSafeHost(host)) return fail('SIP host must be a host name or IPv4 address');
  const port = uri.port;
  if (port === undefined) return ok({ kind: 'sip', user, host });
  if (!Number.isInteger(port) || port < 1 || port > 65535) return fail('SIP port must be 1-65535');
  return ok({ kind: 'sip', user, host, port });
}

function parseTelUri(rest: string): Check<CallTarget> {
  if (rest.includes(';')) return fail('tel: parameters are not supported');
  if (!/^\+[0-9().-]+$/.test(rest)) return fail('tel: URIs must be global numbers (+ and digits)');
  const number = rest.replace(/[().-]/g, '');
  return NUMBER_RE.test(number)
    ? ok({ kind: 'number', user: number })
    : fail('a phone number is + and up to 32 digits');
}

export interface CallRoutingContext {
  /** Domains served by this PBX: SIP URIs in them are dialled like extensions. */
  domains: readonly string[];
  /** Allow-list for SIP URIs outside those domains (checked against the bridge dial string). */
  dialPolicy: DialPolicy;
  /** Sofia profile that carries calls to foreign SIP hosts, e.g. `external`. */
  sipProfile: string;
}

/** Where the answered A-leg goes: an extension of the user's dialplan context, or a bridge. */
export type OriginateDestination =
  { kind: 'dialplan'; extension: string } | { kind: 'bridge'; dialString: string };

export function routeCallTarget(target: CallTarget, ctx: CallRoutingContext): Check<OriginateDestination> {
  if (target.kind !== 'sip') return ok({ kind: 'dialplan', extension: target.user });
  const local = ctx.domains.some((d) => d.toLowerCase() === target.host);
  if (local) return ok({ kind: 'dialplan', extension: target.user });
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(ctx.sipProfile)) return fail('the SIP profile is not configured safely');
  const port = target.port === undefined ? '' : `:${target.port}`;
  const dialString = `sofia/${ctx.sipProfile}/${target.user}@${target.host}${port}`;
  if (!checkDialString(dialString).ok || !ctx.dialPolicy.allows(dialString))
    return fail('SIP URIs outside our domains are not allowed by the dial policy');
  return ok({ kind: 'bridge', dialString });
}

const DIALPLAN_CONTEXT_RE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The part of `originate <A-leg> ...` after the A-leg: `<extension> XML <context>` so the user's
 * dialplan (routing, permissions) applies, or `&bridge(<dial string>)` for an allowed foreign URI.
 */
export function originateDestination(dest: OriginateDestination, dialplanContext: string): Check<string> {
  if (!DIALPLAN_CONTEXT_RE.test(dialplanContext))
    return fail('the dialplan context is not configured safely');
  if (dest.kind === 'bridge') {
    return checkDialString(dest.dialString).ok
      ? ok(`&bridge(${dest.dialString})`)
      : fail('unsafe dial string');
  }
  return CALL_USER_RE.test(dest.extension)
    ? ok(`${dest.extension} XML ${dialplanContext}`)
    : fail('unsafe extension');
}
