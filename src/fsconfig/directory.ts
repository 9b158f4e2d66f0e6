// The `directory` answer: one domain holding the users FreeSWITCH asked for, shaped like FreeSWITCH's
// own conf/vanilla/directory/default.xml (domain params, group "default") and default/1000.xml (user
// params and variables). Digest credentials go as `a1-hash` (md5(user:domain:password)): the SIP
// password itself never leaves the daemon.
import { sipA1HashFor, type User } from '../domain/users.js';
import { freeswitchDocument, params, safeValue, variables, type XmlNode } from './xml-document.js';

/** vanilla's dial-string without the verto leg (mod_verto is not among the modules the daemon needs). */
export const DIAL_STRING =
  '{^^:sip_invite_domain=${dialed_domain}:presence_id=${dialed_user}@${dialed_domain}}' +
  '${sofia_contact(*/${dialed_user}@${dialed_domain})}';

export interface DirectoryOptions {
  /** The dialplan context the users' calls run in (`user_context`). */
  userContext: string;
}

/** One user element: credentials, then the channel variables FreeSWITCH sets on their calls. */
export function directoryUser(user: User, domain: string, options: DirectoryOptions): XmlNode {
  const vars: Array<[string, string]> = [['user_context', options.userContext]];
  if (user.callerIdName !== '')
    vars.push(['effective_caller_id_name', safeValue('callerIdName', user.callerIdName)]);
  if (user.callerIdNumber !== '')
    vars.push(['effective_caller_id_number', safeValue('callerIdNumber', user.callerIdNumber)]);
  return {
    '@_id': safeValue('userName', user.userName),
    params: { param: params([['a1-hash', sipA1HashFor(user, domain)]]) },
    variables: { variable: variables(vars) },
  };
}

/** The answer for `users` of `domain` (usually the one user a REGISTER or a `user/` dial asked for). */
export function directoryDocument(domain: string, users: readonly User[], options: DirectoryOptions): string {
  return freeswitchDocument('directory', {
    domain: {
      '@_name': safeValue('domain', domain),
      params: { param: params([['dial-string', DIAL_STRING]]) },
      groups: {
        group: {
          '@_name': 'default',
          users: { user: users.map((u) => directoryUser(u, domain, options)) },
        },
      },
    },
  });
}
