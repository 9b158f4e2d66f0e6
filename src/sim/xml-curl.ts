// A mod_xml_curl for the simulator: when a call dials an extension the simulator's own table does not
// have, it POSTs the dialplan lookup to the configured gateway URL exactly as mod_xml_curl does
// (src/mod/xml_int/mod_xml_curl/mod_xml_curl.c: `hostname=..&section=..&tag_name=..&key_name=..&key_value=..`
// then the lookup event's headers url-encoded, gateway-credentials as HTTP Basic), hunts the answer
// like mod_dialplan_xml, and on every join opens conference.conf the way mod_conference does
// (conference_name and profile_name), and for every member its caller-controls group
// (conference_member_bind_controls: Action=request-controls). A non-200 answer, an unreadable one or
// "not found" means the simulator's own configuration applies, as FreeSWITCH falls back to its files.
import type {
  ConferenceCaller,
  ConferenceJoinPolicy,
  ControlBinding,
  DialplanTarget,
  ExtensionRequest,
  JoinHooks,
} from './model/config.js';
import { huntDialplan, type DialplanStep } from './dialplan-hunt.js';
import { conferencePolicyFromProfile } from './conference-profile-policy.js';
import { childrenNamed, findChild, parseXmlTree, type XmlElement } from './xml-tree.js';
import type { SimIdentity } from './types.js';

export interface XmlCurlGateway {
  /** gateway-url */
  url: string;
  /** gateway-credentials, `user:password` (auth-scheme basic) */
  credentials?: string;
}

export interface XmlCurlFetch {
  section: string;
  keyValue: string;
  status: number | 'error';
  /** True when the answer was used (not "not found", not an error). */
  used: boolean;
}

const TIMEOUT_MS = 5000;

/** switch_true: how FreeSWITCH reads a boolean channel variable. */
export function switchTrue(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.toLowerCase();
  return (
    ['yes', 'on', 'true', 't', 'enabled', 'active', 'allow'].includes(v) ||
    (/^\d+$/.test(v) && Number(v) !== 0)
  );
}

/**
 * mod_conference's enforce_security (conference_function): an inbound leg meets the PIN and the lock, an
 * outbound one does not, unless `conference_enforce_security` says otherwise.
 */
export function enforcesSecurity(direction: 'inbound' | 'outbound', variable: string | undefined): boolean {
  return variable === undefined ? direction === 'inbound' : switchTrue(variable);
}

function urlEncode(value: string): string {
  // switch_url_encode: everything but alphanumerics and a few marks is %XX
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export class XmlCurlClient {
  private gateway: XmlCurlGateway | undefined;
  private readonly policies = new Map<string, ConferenceJoinPolicy>();
  private readonly keypad = new Map<string, string | readonly string[]>();
  /** Every fetch, in order (for tests and the demo's narration). */
  readonly fetches: XmlCurlFetch[] = [];

  constructor(
    private readonly identity: Pick<SimIdentity, 'hostname' | 'switchname' | 'coreUuid' | 'ipv4'>,
  ) {}

  /** Points the client at the daemon (xml_curl.conf.xml's binding); until then nothing is fetched. */
  bind(gateway: XmlCurlGateway | undefined): void {
    this.gateway = gateway;
  }

  /**
   * What a caller keys when a conference asks for its PIN: one string, or one per prompt; undefined:
   * nothing. By the phone's user: the SIP user calling in, or the user an originated leg rang.
   */
  keys(user: string, digits: string | readonly string[] | undefined): void {
    if (digits === undefined) this.keypad.delete(user);
    else this.keypad.set(user, digits);
  }

  /** For SimSwitchOptions.extensionLookup. */
  readonly extensionLookup = async (req: ExtensionRequest): Promise<DialplanTarget | undefined> => {
    const section = await this.fetch('dialplan', '', '', '', this.dialplanParams(req));
    if (section === undefined) return undefined;
    const vars = new Map<string, string>(req.variables);
    if (req.authenticatedUser !== undefined) {
      vars.set('sip_auth_username', req.authenticatedUser);
      vars.set('user_name', req.authenticatedUser);
    }
    const fields: Record<string, string> = {
      destination_number: req.extension,
      caller_id_number: req.callerIdNumber,
      caller_id_name: req.callerIdName,
      username: req.username,
      context: req.context,
    };
    const read = (field: string) =>
      field.startsWith('${') ? (vars.get(field.slice(2, -1)) ?? '') : (fields[field] ?? '');
    return this.target(huntDialplan(section, req.context, read), req);
  };

  /** For SimSwitchOptions.joinHooks. */
  readonly joinHooks: JoinHooks = {
    prepare: async (conference, profile) => {
      const section = await this.fetch('configuration', 'configuration', 'name', 'conference.conf', [
        ...this.eventHeaders('COMMAND'),
        ['conference_name', conference],
        ['profile_name', profile],
      ]);
      const found = findChild(
        findChild(findChild(section, 'configuration', 'name', 'conference.conf'), 'profiles'),
        'profile',
        'name',
        profile,
      );
      // no answer: FreeSWITCH's own conference.conf, whose profiles carry none of these settings
      this.policies.set(`${conference}@${profile}`, found ? conferencePolicyFromProfile(found) : {});
    },
    policyFor: (conference, profile) => this.policies.get(`${conference}@${profile}`),
    controls: async ({ conference, profile, group, channelUuid }) => {
      const section = await this.fetch('configuration', 'configuration', 'name', 'conference.conf', [
        ...this.eventHeaders('REQUEST_PARAMS'),
        ['Conf-Name', conference],
        ['Conf-Profile', profile],
        ['Action', 'request-controls'],
        ['Controls', group],
        ['Fetch-Call-UUID', channelUuid],
      ]);
      if (section === undefined) return undefined;
      const found = findChild(
        findChild(findChild(section, 'configuration', 'name', 'conference.conf'), 'caller-controls'),
        'group',
        'name',
        group,
      );
      // an answer without the group: FreeSWITCH binds nothing ("Can't find group")
      return childrenNamed(found, 'control').flatMap((c): ControlBinding[] => {
        const action = c.attrs['action'];
        const digits = c.attrs['digits'];
        return action && digits ? [{ action, digits }] : [];
      });
    },
  };

  /** The steps of the hunt as the simulator's dialplan target (what it can run). */
  private target(steps: DialplanStep[], req: ExtensionRequest): DialplanTarget | undefined {
    const vars = new Map<string, string>(req.variables);
    for (const [i, step] of steps.entries()) {
      if (step.application === 'set') {
        const eq = step.data.indexOf('=');
        if (eq > 0) vars.set(step.data.slice(0, eq), step.data.slice(eq + 1));
      }
      if (step.application === 'conference') {
        const keyed = this.keypad.get(req.dialedUser ?? req.username);
        const mpin = vars.get('conference_moderator_pin');
        const caller: ConferenceCaller = {
          enforceSecurity: enforcesSecurity(req.direction, vars.get('conference_enforce_security')),
          ...(keyed !== undefined ? { keyedPin: keyed } : {}),
          ...(mpin ? { moderatorPin: mpin } : {}),
        };
        const name = step.data.split(/[@+]/)[0] ?? '';
        return { kind: 'conference', name, data: step.data, caller };
      }
      if (step.application === 'bridge') {
        const next = steps[i + 1];
        const timeout = Number(vars.get('call_timeout'));
        return {
          kind: 'bridge',
          dialString: step.data,
          ...(Number.isInteger(timeout) && timeout > 0 ? { timeoutSec: timeout } : {}),
          ...(vars.has('continue_on_fail')
            ? { continueOnFail: switchTrue(vars.get('continue_on_fail')) }
            : {}),
          ...(next?.application === 'hangup' ? { afterFailure: { hangup: next.data } } : {}),
        };
      }
      // hangup (a refused number) and anything unknown end the call: the simulator has no route
      if (step.application === 'hangup') return undefined;
    }
    return undefined;
  }

  /** The REQUEST_PARAMS event mod_dialplan_xml builds: the channel's data, then the caller profile as Hunt-*. */
  private dialplanParams(req: ExtensionRequest): Array<[string, string]> {
    const profile = (prefix: string): Array<[string, string]> => [
      [`${prefix}-Direction`, req.direction],
      [`${prefix}-Username`, req.username],
      [`${prefix}-Dialplan`, 'XML'],
      [`${prefix}-Caller-ID-Name`, req.callerIdName],
      [`${prefix}-Caller-ID-Number`, req.callerIdNumber],
      [`${prefix}-Destination-Number`, req.extension],
      [`${prefix}-Unique-ID`, req.channelUuid],
      [`${prefix}-Source`, 'mod_sofia'],
      [`${prefix}-Context`, req.context],
      [`${prefix}-Channel-Name`, req.channelName],
    ];
    const vars: Array<[string, string]> = [
      ...req.variables.map(([name, value]): [string, string] => [`variable_${name}`, value]),
      ...(req.authenticatedUser
        ? ([
            ['variable_sip_auth_username', req.authenticatedUser],
            ['variable_user_name', req.authenticatedUser],
          ] as Array<[string, string]>)
        : []),
    ];
    return [
      ...this.eventHeaders('REQUEST_PARAMS'),
      ['Channel-State', 'CS_ROUTING'],
      ['Channel-Name', req.channelName],
      ['Unique-ID', req.channelUuid],
      ['Call-Direction', req.direction],
      ...profile('Caller'),
      ...vars,
      ...profile('Hunt'),
    ];
  }

  private eventHeaders(name: string): Array<[string, string]> {
    return [
      ['Event-Name', name],
      ['Core-UUID', this.identity.coreUuid],
      ['FreeSWITCH-Hostname', this.identity.hostname],
      ['FreeSWITCH-Switchname', this.identity.switchname],
      ['FreeSWITCH-IPv4', this.identity.ipv4],
      ['Event-Date-GMT', new Date().toUTCString()],
    ];
  }

  /** One mod_xml_curl round trip; the `section` element when the answer is to be used. */
  private async fetch(
    section: string,
    tagName: string,
    keyName: string,
    keyValue: string,
    headers: Array<[string, string]>,
  ): Promise<XmlElement | undefined> {
    const gateway = this.gateway;
    if (gateway === undefined) return undefined;
    const basic = `hostname=${this.identity.switchname}&section=${section}&tag_name=${tagName}&key_name=${keyName}&key_value=${keyValue}`;
    const body = [basic, ...headers.map(([n, v]) => `${n}=${urlEncode(v)}`)].join('&');
    const record: XmlCurlFetch = { section, keyValue, status: 'error', used: false };
    this.fetches.push(record);
    try {
      const res = await fetch(gateway.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'User-Agent': 'freeswitch-xml/1.0',
          ...(gateway.credentials
            ? { Authorization: `Basic ${Buffer.from(gateway.credentials, 'utf8').toString('base64')}` }
            : {}),
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      record.status = res.status;
      const text = await res.text();
      if (res.status !== 200) return undefined;
      const doc = parseXmlTree(text);
      // switch_xml_locate: a "result" section saying "not found" sends it to the next binding
      const result = findChild(doc, 'section', 'name', 'result');
      if (result !== undefined && findChild(result, 'result')?.attrs['status']?.toLowerCase() === 'not found')
        return undefined;
      const found = findChild(doc, 'section', 'name', section);
      record.used = found !== undefined;
      return found;
    } catch {
      return undefined;
    }
  }
}
