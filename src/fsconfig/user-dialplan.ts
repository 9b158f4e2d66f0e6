// The `dialplan` answer for a call to one of the daemon's users (by user name, in DIALPLAN_CONTEXT),
// as sipX routed calls to its users: ring the user's registered phones (`user/<name>@<domain>`, the
// directory's dial-string), like vanilla's Local_Extension (conf/vanilla/dialplan/default.xml). The
// caller hears ringback; after RING_SECONDS unanswered, or when the user is busy or not registered,
// the caller is hung up with that cause (NO_ANSWER, USER_BUSY, USER_NOT_REGISTERED...), which a phone
// shows as "no answer" / "busy" / "unavailable". No voicemail: the daemon's users have no mailbox.
//
// `continue_on_fail=true` makes a failed bridge go on to the next action instead of hanging up
// (switch_channel_handle_cause), and the bridge leaves its cause in `originate_failed_cause`
// (mod_dptools audio_bridge_function), so the last action hangs up with exactly that cause.
import type { User } from '../domain/users.js';
import { app, contextDocument } from './dialplan.js';
import { exactly, safeValue } from './xml-document.js';

/** How long a user's phones ring before the caller is told there is no answer (vanilla's value). */
export const RING_SECONDS = 30;

export interface UserDialplanOptions {
  context: string;
  /** FS_DOMAIN, or `$${domain}` (FreeSWITCH's own domain, expanded when it reads the answer). */
  domain: string;
}

/** vanilla's domain when FS_DOMAIN is not set; FreeSWITCH's pre-processor expands it. */
export const FREESWITCH_DOMAIN = '$${domain}';

export function userDialplanDocument(user: User, options: UserDialplanOptions): string {
  const name = safeValue('userName', user.userName);
  const domain = options.domain === FREESWITCH_DOMAIN ? options.domain : safeValue('domain', options.domain);
  return contextDocument(
    options.context,
    {
      '@_name': `fsconfd-user-${name}`,
      condition: {
        '@_field': 'destination_number',
        '@_expression': exactly([name]),
        action: [
          app('set', 'ringback=${us-ring}'),
          app('set', `call_timeout=${RING_SECONDS}`),
          app('set', 'hangup_after_bridge=true'),
          app('set', 'continue_on_fail=true'),
          app('bridge', `user/${name}@${domain}`),
          app('hangup', '${originate_failed_cause}'),
        ],
      },
    },
    'fs-confd users',
  );
}
