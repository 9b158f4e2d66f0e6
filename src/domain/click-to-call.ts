// Click-to-call as one `originate` line, built from the authenticated user, the parsed `{to}` and the
// configuration. Pure: no I/O; the route sends the line as `bgapi <line>`.
//
// Shape (calls-json.txt scenario 1a/1c and click-to-call-dialplan-ext.txt, lab values replaced):
//   originate {origination_uuid=U,fsconfd_user=200,fsconfd_target=201,
//             origination_caller_id_number=201,origination_caller_id_name=201,
//             effective_caller_id_number=200,effective_caller_id_name=Alice,originate_timeout=30,
//             ignore_early_media=true}user/200@example.org 201 XML default
// - `fsconfd_user` / `fsconfd_target`: who placed the leg and what it dials, as channel variables no
//   SIP caller can set (the daemon's dialplan recognises owners by them; the live state reads them);
// - the user's own phone(s) ring first (`user/<name>@<domain>`), showing whom they are calling
//   (`origination_caller_id_*` = the target);
// - once answered, the leg runs `{to}` in the user's dialplan context (1c), so the PBX's routing and
//   permissions apply; a foreign SIP URI the dial policy allows is bridged instead;
// - the far end sees the user's caller ID: FreeSWITCH gives a bridged B-leg the A-leg's
//   `effective_caller_id_*` (without them it would see the target's own number, set above);
// - `ignore_early_media=true`: the user's phone counts as answered only on a real answer, not on a
//   183 (as the lab's click-to-call did).
import type { CallTarget, OriginateDestination } from './call-target.js';
import { CALL_USER_RE, originateDestination, routeCallTarget } from './call-target.js';
import type { DialPolicy } from './dial-policy.js';
import {
  CALLER_ID_NUMBER_RE,
  isSafeHost,
  resolveCallerId,
  USER_NAME_RE,
  userDialString,
} from './dial-policy.js';
import { toEslLine } from './esl-line.js';

/** The parts of the authenticated user click-to-call reads. */
export interface ClickToCallCaller {
  userName: string;
  callerIdNumber: string;
  callerIdName: string;
  firstName: string;
  lastName: string;
}

export interface ClickToCallSettings {
  /** SIP domain of the users (FS_DOMAIN or the node's `domain`). */
  domain: string;
  /** Context the answered leg dials `{to}` in. */
  dialplanContext: string;
  /** Sofia profile for SIP URIs outside the domain. */
  sipProfile: string;
  /** How long the user's phone rings. */
  originateTimeoutS: number;
  /** Allow-list for SIP URIs outside the domain. */
  dialPolicy: DialPolicy;
}

export interface ClickToCallPlan {
  /** The call's id: the uuid of the user's leg, which the route answers with. */
  uuid: string;
  /** What the answered leg dials: an extension/number, or a dial string for a foreign SIP URI. */
  dialed: string;
  destination: OriginateDestination;
  /** `originate ...`, validated for an ESL line; send as `bgapi <line>`. */
  line: string;
}

/**
 * Why no line could be built: `invalid` the target cannot be dialled (400), `not-allowed` the dial
 * policy refuses it (403), `misconfigured` the settings or the user record are unusable (a bug or a
 * bad FreeSWITCH variable; 500).
 */
export type ClickToCallRefusal = 'invalid' | 'not-allowed' | 'misconfigured';

export type ClickToCallResult =
  { ok: true; value: ClickToCallPlan } | { ok: false; reason: ClickToCallRefusal; error: string };

const refuse = (reason: ClickToCallRefusal, error: string): ClickToCallResult => ({
  ok: false,
  reason,
  error,
});

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const MAX_ORIGINATE_TIMEOUT_S = 3600;

/** The caller ID the user presents to the far end: their configured one, else their name and user name. */
export function callerIdOf(caller: ClickToCallCaller): { number?: string; name?: string } {
  const fullName = `${caller.firstName} ${caller.lastName}`.trim();
  const resolved = resolveCallerId(
    {},
    {
      number: caller.callerIdNumber !== '' ? caller.callerIdNumber : caller.userName,
      name: caller.callerIdName !== '' ? caller.callerIdName : fullName !== '' ? fullName : caller.userName,
    },
  );
  return resolved.ok ? resolved.value : {};
}

export function clickToCallCommand(
  caller: ClickToCallCaller,
  target: CallTarget,
  uuid: string,
  settings: ClickToCallSettings,
): ClickToCallResult {
  if (!USER_NAME_RE.test(caller.userName)) return refuse('misconfigured', 'the user name cannot be dialled');
  if (!isSafeHost(settings.domain)) return refuse('misconfigured', 'the SIP domain is not a host name');
  if (!UUID_RE.test(uuid)) return refuse('misconfigured', 'not a lower-case UUID');
  const timeout = settings.originateTimeoutS;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_ORIGINATE_TIMEOUT_S)
    return refuse('misconfigured', `the originate timeout must be 1-${MAX_ORIGINATE_TIMEOUT_S} seconds`);
  if (!CALL_USER_RE.test(target.user)) return refuse('invalid', 'unsafe target');
  if (
    !/^[A-Za-z0-9_-]{1,64}$/.test(settings.sipProfile) ||
    !/^[A-Za-z0-9_-]{1,64}$/.test(settings.dialplanContext)
  )
    return refuse('misconfigured', 'the SIP profile or dialplan context is not one plain word');

  const routed = routeCallTarget(target, {
    domains: [settings.domain],
    dialPolicy: settings.dialPolicy,
    sipProfile: settings.sipProfile,
  });
  // With the settings checked above, routing fails only for a foreign URI the policy refuses.
  if (!routed.ok) return refuse('not-allowed', routed.error);
  const destination = originateDestination(routed.value, settings.dialplanContext);
  if (!destination.ok) return refuse('invalid', destination.error);

  // Who placed the leg and what it dials, for the daemon's dialplan (owner legs) and its call state
  // (FreeSWITCH's caller profile names the user's own number until it flips, see state/calls.ts).
  const vars: Array<[string, string]> = [
    ['origination_uuid', uuid],
    ['fsconfd_user', caller.userName],
    ['fsconfd_target', targetVariable(routed.value, target)],
  ];
  // What the user's phone displays: the party they are about to be connected to.
  if (CALLER_ID_NUMBER_RE.test(target.user)) {
    vars.push(['origination_caller_id_number', target.user]);
    vars.push(['origination_caller_id_name', target.user]);
  }
  const own = callerIdOf(caller);
  if (own.number !== undefined) vars.push(['effective_caller_id_number', own.number]);
  if (own.name !== undefined) vars.push(['effective_caller_id_name', own.name]);
  vars.push(['originate_timeout', String(timeout)], ['ignore_early_media', 'true']);
  // Every value passed one of the grammars above; none can hold `,` `}` `=` `'` `^` or a space.
  const block = `{${vars.map(([k, v]) => `${k}=${v}`).join(',')}}`;
  const aLeg = `${block}${userDialString(caller.userName, settings.domain)}`;

  const dialed = routed.value.kind === 'dialplan' ? routed.value.extension : routed.value.dialString;
  try {
    const line = toEslLine(['originate', aLeg, ...destination.value.split(' ')]);
    return { ok: true, value: { uuid, dialed, destination: routed.value, line } };
  } catch (err) {
    return refuse('invalid', err instanceof Error ? err.message : 'unsafe originate line');
  }
}

/**
 * `fsconfd_target`: the extension or number as dialled (`+15551234567`, `201`; a SIP URI in our
 * domain is its user), or `user@host[:port]` for a foreign SIP URI. Parts passed CALL_USER_RE and
 * isSafeHost.
 */
function targetVariable(destination: OriginateDestination, target: CallTarget): string {
  if (destination.kind === 'dialplan' || target.kind !== 'sip') return target.user;
  return `${target.user}@${target.host}${target.port === undefined ? '' : `:${target.port}`}`;
}
