// Whom `invite&<target>` calls into a conference. sipX's invite took a user name or any number
// (ActiveConferenceContextImpl.inviteParticipant ran it through SipUri.fix and let the proxy route it);
// here the target is, in this order:
//   - a known user (`200`, or `sip:200@<our domain>`): user/<name>@<domain>, always allowed;
//   - else an extension, a phone number or a SIP URI, read with click-to-call's grammar
//     (call-target.ts): numbers and extensions go through the dialplan as loopback/<number>/<context>,
//     foreign SIP URIs as sofia/<profile>/<user>@<host>; either must pass the dial policy (DIAL_ALLOW),
//     as `dial` destinations do.
import { parseDecodedCallTarget, routeCallTarget } from './call-target.js';
import type { DialPolicy } from './dial-policy.js';
import { checkDialString, isSafeHost, USER_NAME_RE, userDialString } from './dial-policy.js';
import type { Check } from './check.js';
import { fail, ok } from './check.js';

export interface InviteContext {
  /** SIP domain of the users (`FS_DOMAIN`). */
  domain: string;
  dialPolicy: DialPolicy;
  /** Dialplan context numbers are dialled in (`DIALPLAN_CONTEXT`), as click-to-call does. */
  dialplanContext: string;
  /** Sofia profile for foreign SIP URIs (`SIP_PROFILE`). */
  sipProfile: string;
  userExists(name: string): boolean | Promise<boolean>;
}

export interface InviteTarget {
  /** The known user invited, if the target is one. */
  user: string | undefined;
  dialString: string;
}

const PLAIN_WORD_RE = /^[A-Za-z0-9_-]{1,64}$/;

export async function resolveInviteTarget(text: string, ctx: InviteContext): Promise<Check<InviteTarget>> {
  if (!isSafeHost(ctx.domain)) return fail('the SIP domain is not configured safely');
  const knownUser = async (name: string) => USER_NAME_RE.test(name) && (await ctx.userExists(name));
  if (await knownUser(text)) return ok({ user: text, dialString: userDialString(text, ctx.domain) });

  const target = parseDecodedCallTarget(text);
  if (!target.ok) return fail(`not a user, phone number or SIP URI: ${target.error}`);
  const local = target.value.kind !== 'sip' || target.value.host === ctx.domain.toLowerCase();
  if (local && (await knownUser(target.value.user)))
    return ok({ user: target.value.user, dialString: userDialString(target.value.user, ctx.domain) });

  if (!PLAIN_WORD_RE.test(ctx.sipProfile) || !PLAIN_WORD_RE.test(ctx.dialplanContext))
    return fail('the SIP profile or dialplan context is not configured safely');
  const routed = routeCallTarget(target.value, {
    domains: [ctx.domain],
    dialPolicy: ctx.dialPolicy,
    sipProfile: ctx.sipProfile,
  });
  if (!routed.ok) return fail(`not a known user, and ${routed.error}`);
  if (routed.value.kind === 'bridge') return ok({ user: undefined, dialString: routed.value.dialString });
  const dialString = `loopback/${routed.value.extension}/${ctx.dialplanContext}`;
  if (!checkDialString(dialString).ok) return fail('not a dialable number');
  if (!ctx.dialPolicy.allows(dialString))
    return fail(`not a known user, and ${dialString} is not allowed by the dial policy`);
  return ok({ user: undefined, dialString });
}
