// Who a conference may call out to (`dial`, `bgdial`, `invite`, `inviteim`, and click-to-call SIP URIs
// outside our domains). Known users are always reachable as user/<name>@<domain>; any other destination
// must be a plain dial string (endpoint/segments[@host[:port]]) that matches an admin-configured
// pattern. A dial string never carries {var=...} or [var=...] blocks, `,` `|` (parallel/serial
// forks), `:_:` failover, quotes, spaces or anything else FreeSWITCH would read as structure.
import type { Check } from './check.js';
import { fail, ok } from './check.js';

// The store's own grammars for user names and IM ids: one definition, in users.ts.
import { IM_ID_RE, USER_NAME_RE } from './users.js';

export { IM_ID_RE, USER_NAME_RE };
export const CALLER_ID_NUMBER_RE = /^\+?[0-9A-Za-z*#._-]{1,32}$/;
/** One word (FreeSWITCH splits arguments on spaces): letters/digits of any script and . _ - */
export const CALLER_ID_NAME_RE = /^[\p{L}\p{M}\p{N}._-]{1,64}$/u;

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
/** Host names and IPv4 addresses. IPv6 literals need `[...]`, which is never allowed on a line. */
const HOST_RE = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);

export function isSafeHost(host: string): boolean {
  return host.length <= 253 && HOST_RE.test(host);
}

export function isValidPort(text: string): boolean {
  return /^[1-9][0-9]{0,4}$/.test(text) && Number(text) <= 65535;
}

export const MAX_DIAL_STRING = 256;
const ENDPOINT_RE = /^[a-z][a-z0-9_]{0,31}$/;
const SEGMENT_CHARS = 'A-Za-z0-9+*#._-';
const SEGMENT_RE = new RegExp(`^[${SEGMENT_CHARS}]{1,64}$`);
const MAX_SEGMENTS = 6;

/** Grammar of a dial string the daemon will put on a line: `endpoint/seg[/seg...][@host[:port]]`. */
export function checkDialString(text: string): Check<string> {
  if (text.length === 0 || text.length > MAX_DIAL_STRING)
    return fail(`a dial string has 1-${MAX_DIAL_STRING} characters`);
  const at = text.indexOf('@');
  if (at !== text.lastIndexOf('@')) return fail('a dial string has at most one @');
  const path = at === -1 ? text : text.slice(0, at);
  const [endpoint, ...segments] = path.split('/');
  if (endpoint === undefined || !ENDPOINT_RE.test(endpoint))
    return fail('a dial string starts with endpoint/');
  if (segments.length === 0 || segments.length > MAX_SEGMENTS)
    return fail('a dial string is endpoint/destination');
  if (!segments.every((s) => SEGMENT_RE.test(s) && !/^\.+$/.test(s)))
    return fail(`dial string parts use only ${SEGMENT_CHARS}`);
  if (at !== -1) {
    const [host, port, extra] = text.slice(at + 1).split(':');
    if (host === undefined || !isSafeHost(host)) return fail('not a host name after @');
    if (extra !== undefined || (port !== undefined && !isValidPort(port))) return fail('bad port after host');
  }
  return ok(text);
}

export interface DialPolicy {
  readonly patterns: readonly string[];
  allows(dialString: string): boolean;
}

const MAX_PATTERNS = 200;

/**
 * Compiles the admin's allow-list. A pattern is a dial string in which `*` stands for one or more
 * characters of a single part (letters, digits, + * # . _ -; never `/`, `@` or `:`), e.g.
 * `sofia/gateway/pstn/+1*` or `loopback/*\/default`. An invalid pattern fails the whole list, so a
 * typo stops the daemon at start instead of silently allowing or refusing.
 */
export function compileDialPolicy(patterns: readonly string[]): Check<DialPolicy> {
  if (patterns.length > MAX_PATTERNS) return fail(`at most ${MAX_PATTERNS} dial patterns`);
  const matchers: RegExp[] = [];
  for (const pattern of patterns) {
    const asDialString = checkDialString(pattern.replace(/\*/g, 'x'));
    if (!asDialString.ok) return fail(`dial pattern "${pattern}": ${asDialString.error}`);
    const body = pattern
      .split('*')
      .map((literal) => literal.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join(`[${SEGMENT_CHARS}]+`);
    matchers.push(new RegExp(`^${body}$`));
  }
  const frozen = Object.freeze([...patterns]);
  return ok({
    patterns: frozen,
    allows: (dialString) => checkDialString(dialString).ok && matchers.some((m) => m.test(dialString)),
  });
}

/** A policy that allows no destination except known users. */
export const KNOWN_USERS_ONLY: DialPolicy = { patterns: [], allows: () => false };

export interface DialContext {
  /** SIP domain of the users (`FS_DOMAIN`). */
  domain: string;
  policy: DialPolicy;
  userExists(name: string): boolean | Promise<boolean>;
}

export type DialDestination =
  { kind: 'user'; user: string; dialString: string } | { kind: 'allow-listed'; dialString: string };

export function userDialString(user: string, domain: string): string {
  return `user/${user}@${domain}`;
}

/**
 * `200` (a bare name must be a known user), `user/200` or `user/200@<our domain>` naming a known user
 * become user/200@<domain>; anything else must be a dial string the allow-list matches.
 */
export async function resolveDialDestination(
  requested: string,
  ctx: DialContext,
): Promise<Check<DialDestination>> {
  if (!isSafeHost(ctx.domain)) return fail('the SIP domain is not configured safely');
  const known = async (name: string): Promise<boolean> =>
    USER_NAME_RE.test(name) && (await ctx.userExists(name));
  if (!requested.includes('/') && !requested.includes('@')) {
    if (await known(requested))
      return ok({ kind: 'user', user: requested, dialString: userDialString(requested, ctx.domain) });
    return fail('unknown user');
  }
  const userForm = /^user\/([^/@]+)(?:@([^/@]+))?$/.exec(requested);
  if (userForm !== null) {
    const name = userForm[1] ?? '';
    const domain = userForm[2];
    const ourDomain = domain === undefined || domain.toLowerCase() === ctx.domain.toLowerCase();
    if (ourDomain && (await known(name)))
      return ok({ kind: 'user', user: name, dialString: userDialString(name, ctx.domain) });
  }
  const grammar = checkDialString(requested);
  if (!grammar.ok) return fail(`not a dial string: ${grammar.error}`);
  if (!ctx.policy.allows(requested)) return fail('destination not allowed by the dial policy');
  return ok({ kind: 'allow-listed', dialString: requested });
}

export interface CallerId {
  number?: string;
  name?: string;
}

/**
 * Caller ID for an outbound leg: from the URL only if it passes the grammar (else the request fails),
 * otherwise the defaults the route gives (conference or owner; spaces in a name become `_`); defaults
 * that still fail the grammar are dropped so FreeSWITCH falls back to the conference profile. FreeSWITCH takes them positionally, so a
 * name without a number is dropped too.
 */
export function resolveCallerId(
  fromUrl: { number?: string | undefined; name?: string | undefined },
  defaults: CallerId | undefined,
): Check<CallerId> {
  if (fromUrl.number !== undefined && !CALLER_ID_NUMBER_RE.test(fromUrl.number))
    return fail('caller id number: + then letters, digits, * # . _ - (at most 32)');
  if (fromUrl.name !== undefined && !CALLER_ID_NAME_RE.test(fromUrl.name))
    return fail('caller id name: one word of letters, digits, . _ - (at most 64)');
  const safeDefault = (value: string | undefined, re: RegExp): string | undefined =>
    value !== undefined && re.test(value) ? value : undefined;
  const number = fromUrl.number ?? safeDefault(defaults?.number, CALLER_ID_NUMBER_RE);
  // A stored name may have spaces ("Alice Smith"); FreeSWITCH would keep only "Alice", so join the words.
  const defaultName = defaults?.name?.trim().replace(/ +/g, '_');
  const name = fromUrl.name ?? safeDefault(defaultName, CALLER_ID_NAME_RE);
  if (number === undefined) return ok({});
  return ok(name === undefined ? { number } : { number, name });
}
