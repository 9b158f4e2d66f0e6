// What the simulated switch knows about the world: the user directory (who is registered where), how
// each SIP destination behaves when called (the reachability table), and the dialplan. All plain data,
// so the demo and the tests script a scenario by writing a table.

/**
 * How a SIP destination (`host:port`, or `user@host:port` for one user there) answers an INVITE.
 * - answer: rings (180) for `afterMs`, answers; with `hangupAfterMs` it sends BYE that long after answering.
 * - busy: answers `486 Busy Here` after `afterMs` -> USER_BUSY.
 * - no-answer: rings until originate_timeout -> NO_ANSWER.
 * - unreachable: nothing listens (ICMP port unreachable) -> NORMAL_TEMPORARY_FAILURE at once.
 */
export type Reachability = (
  | { kind: 'answer'; afterMs?: number; hangupAfterMs?: number }
  | { kind: 'busy'; afterMs?: number }
  | { kind: 'no-answer' }
  | { kind: 'unreachable' }
) & {
  /** What its responses carry (default: sipp's built-in UAS, as in the first lab). */
  phone?: PhoneStyle;
};

/**
 * What a SIP phone's responses carry besides their timing, as a sipp scenario writes them. The first
 * lab's sipp UAS sent no User-Agent or Allow, `Contact: <sip:host:port;transport=UDP>`, To tags
 * `<pid>SIPpTag0<n>` and SDP `o=user1 ... s=-`; the second lab's scenario (click-to-call-dialplan-ext)
 * sends all of these differently.
 */
export interface PhoneStyle {
  userAgent?: string;
  allow?: string;
  /** The user in its Contact (none: `sip:<host>:<port>`, which FreeSWITCH reports as user `nobody`). */
  contactUser?: string;
  /** Its To tag: sipp's `<pid>SIPpTag0<n>` (default) or `<n>-<pid>`. */
  toTag?: 'sipp' | 'number-pid';
  /** The SDP it answers with: sipp's (default) or the second lab's (`o=fslab`, `s=fslab-sipp`). */
  sdp?: 'sipp' | 'fslab';
}

/** A directory user. `contact` is the registered `host:port` (absent: known but not registered). */
export interface SimUser {
  contact?: string;
  /** URI parameters of the registered contact (`transport=UDP`): FreeSWITCH dials the contact as is. */
  contactParams?: string;
  /** Directory variables copied onto a channel that dials this user (vanilla FreeSWITCH's set by default). */
  variables?: Array<[string, string]>;
}

/**
 * What an extension does when a call reaches it (`<ext> XML <context>`, `loopback/<ext>`, an inbound call):
 * - conference: answers and joins `name@profile`.
 * - silence: answers and plays silence; with `hangupAfterMs` FreeSWITCH hangs up after that long.
 * - tone-loop: answers and plays `toneMs` of tone then `silenceMs` of silence, forever (makes a
 *   conference member at the other end of a loopback "talk").
 * - bridge: bridges to a dial string (e.g. `user/1000`).
 * - echo: answers and echoes (stays up until hung up).
 */
export type DialplanTarget = (
  | {
      kind: 'conference';
      name: string;
      profile?: string;
      /**
       * The application data as a fetched dialplan gives it (`name@profile[+PIN][+flags{..}]`), read
       * with mod_conference's rules: `+PIN` is the PIN the caller must key, the flags are the member's.
       */
      data?: string;
      /** Present for a caller routed by a fetched dialplan (mod_conference's rules apply). */
      caller?: ConferenceCaller;
    }
  | { kind: 'silence'; hangupAfterMs?: number }
  | { kind: 'tone-loop'; toneMs: number; silenceMs: number }
  | {
      kind: 'bridge';
      dialString: string;
      /** `call_timeout`: how long the bridge rings (originate_timeout of the new leg). */
      timeoutSec?: number;
      /**
       * `continue_on_fail`: true, a failed bridge goes on to `afterFailure` instead of hanging up; false,
       * it hangs up whatever the cause; unset, only NO_ANSWER-like causes go on.
       */
      continueOnFail?: boolean;
      /**
       * What the extension does after a failed bridge it continues from: `hangup <data>`, where
       * `${originate_failed_cause}` is the bridge's cause; absent: nothing (the call ends normally).
       */
      afterFailure?: { hangup: string };
    }
  /** answers (if it was not) and parks: the call stays up until someone hangs it up. */
  | { kind: 'park' }
  /** answers and echoes the caller's audio (the vanilla dialplan's 9196) */
  | { kind: 'echo' }
) & {
  /** What the extension's condition captured, reported as DP_MATCH (default: the extension). */
  match?: string;
};

/** The settings a conference join honours (issue 7 fills them from the daemon's configuration). */
export interface ConferenceJoinPolicy {
  pin?: string;
  maxMembers?: number;
  muteOnEntry?: boolean;
  /** The conference waits (members hear music) until a moderator joins. */
  ownerRequired?: boolean;
  /** The conference ends when the last moderator leaves. */
  endOnOwnerExit?: boolean;
  /** A PIN that admits its caller as a moderator (mod_conference `moderator-pin`). */
  moderatorPin?: string;
  /** The profile's `caller-controls` group (mod_conference uses `default` without one). */
  callerControls?: string;
}

/**
 * A caller joining through a dialplan fetched from FreeSWITCH's configuration (issue 7): admitted
 * with mod_conference's rules rather than the legacy `+pin` ones.
 */
export interface ConferenceCaller {
  /**
   * Whether the PIN and the lock apply: mod_conference's default is "the leg is inbound", and the
   * channel variable `conference_enforce_security` overrides it either way.
   */
  enforceSecurity: boolean;
  /**
   * What the caller keys at each PIN prompt, in order (none: the caller keys nothing). Digits after
   * the PIN (e.g. its `#`) reach the conference's caller controls once the caller is in.
   */
  keyedPin?: string | readonly string[];
  /** `conference_moderator_pin` on the channel: preferred over the conference's moderator PIN. */
  moderatorPin?: string;
}

/** Who dials an extension the dialplan table does not have (what mod_xml_curl posts about the call). */
export interface ExtensionRequest {
  extension: string;
  context: string;
  channelUuid: string;
  channelName: string;
  callerIdName: string;
  callerIdNumber: string;
  /** The caller profile's user name (the SIP From user of an inbound call). */
  username: string;
  /** The directory user the caller authenticated as (`sip_auth_username`), if any. */
  authenticatedUser?: string;
  /** `Call-Direction`: an originated leg (click-to-call's first leg) is outbound. */
  direction: 'inbound' | 'outbound';
  /** The `user/<name>` an outbound leg rang (whose phone it is). */
  dialedUser?: string;
  /** The channel's variables from its dial string's `{...}` (e.g. what the daemon set on it). */
  variables: ReadonlyArray<readonly [string, string]>;
}

/**
 * mod_xml_curl's part (issue 7): asked for an extension the table does not have; resolves with what
 * the extension runs, or undefined when FreeSWITCH has no route for it.
 */
export type ExtensionLookup = (request: ExtensionRequest) => Promise<DialplanTarget | undefined>;

/** Who joins and with which flags; return undefined to use the profile defaults. */
export interface JoinRequest {
  conference: string;
  profile: string;
  callerIdNumber: string;
  callerIdName: string;
  channelUuid: string;
}

export interface JoinHooks {
  /**
   * Runs before every join and is awaited (FreeSWITCH opens conference.conf on every join; a
   * mod_xml_curl client fetches the profile here so policyFor can answer from it).
   */
  prepare?(conference: string, profile: string): Promise<void>;
  /** Settings for a conference when a caller joins it (looked up on every join). */
  policyFor?(conference: string, profile: string): ConferenceJoinPolicy | undefined;
  /** Whether this caller is a moderator (owner) of the conference. */
  isModerator?(request: JoinRequest): boolean;
  /**
   * The caller-controls group `group` (conference_member_bind_controls asks conference.conf for it on
   * every join); undefined: FreeSWITCH's own conference.conf applies.
   */
  controls?(request: ControlsRequest): Promise<ControlBinding[] | undefined>;
}

export interface ControlsRequest {
  conference: string;
  profile: string;
  group: string;
  channelUuid: string;
}

/** `<control action=".." digits=".."/>` of a caller-controls group. */
export interface ControlBinding {
  action: string;
  digits: string;
}

/** The vanilla FreeSWITCH directory variables of users 1000-1019. */
export function vanillaUserVariables(user: string): Array<[string, string]> {
  return [
    ['record_stereo', 'true'],
    ['default_gateway', 'example.com'],
    ['default_areacode', '918'],
    ['transfer_fallback_extension', 'operator'],
    ['toll_allow', 'domestic,international,local'],
    ['accountcode', user],
    ['user_context', 'default'],
    ['effective_caller_id_name', `Extension ${user}`],
    ['effective_caller_id_number', user],
    ['outbound_caller_id_name', 'FreeSWITCH'],
    ['outbound_caller_id_number', '0000000000'],
    ['callgroup', 'techsupport'],
  ];
}

/** A lab the transcripts were recorded in: its directory, SIP endpoints, dialplan and codecs. */
export interface SimLab {
  users: Record<string, SimUser>;
  reachability: Record<string, Reachability>;
  dialplan: Record<string, DialplanTarget>;
  /** The SIP profile's codec preferences (what outbound INVITEs offer); default PCMU,PCMA. */
  codecPrefs?: string[];
}

/** FreeSWITCH's vanilla `global_codec_prefs` (the second lab kept them). */
export const VANILLA_CODEC_PREFS = ['OPUS', 'G722', 'PCMU', 'PCMA', 'H264', 'VP8'];

/** The lab setup the transcripts were recorded with (see fs-transcripts/README.md). */
export function transcriptLabConfig(): SimLab {
  const users: Record<string, SimUser> = {};
  for (let n = 1000; n <= 1019; n++) users[String(n)] = {};
  users['1000'] = { contact: '127.0.0.1:5070' };
  return {
    users,
    reachability: {
      '127.0.0.1:5070': { kind: 'answer', afterMs: 0 },
      '127.0.0.1:5072': { kind: 'answer', afterMs: 1000, hangupAfterMs: 4000 },
      '127.0.0.1:5074': { kind: 'busy', afterMs: 300 },
      '127.0.0.1:5076': { kind: 'no-answer' },
    },
    dialplan: {
      '3900': { kind: 'conference', name: 'demo', profile: 'default' },
      // the lab's 999x extensions matched on ${endpoint_disposition}
      '9991': { kind: 'silence', match: 'DELAYED NEGOTIATION' },
      '9992': { kind: 'tone-loop', toneMs: 2000, silenceMs: 4000, match: 'DELAYED NEGOTIATION' },
      '9993': { kind: 'silence', hangupAfterMs: 4000, match: 'DELAYED NEGOTIATION' },
      '9995': {
        kind: 'bridge',
        dialString: 'sofia/internal/2000@127.0.0.1:5072',
        match: 'DELAYED NEGOTIATION',
      },
    },
  };
}

/**
 * The second set's lab (fs-transcripts/README.md, "Second set"): a stock FreeSWITCH wired to fs-confd,
 * vanilla codec preferences, user 1000 registered by a sipp scenario on :5070 that answers at once,
 * extension 9991 answering and parking.
 */
export function secondLabConfig(): SimLab {
  const users: Record<string, SimUser> = {};
  for (let n = 1000; n <= 1019; n++) users[String(n)] = {};
  users['1000'] = { contact: '127.0.0.1:5070', contactParams: 'transport=UDP' };
  return {
    users,
    reachability: {
      '127.0.0.1:5070': {
        kind: 'answer',
        afterMs: 20,
        phone: {
          userAgent: 'fslab-sipp-1000',
          allow: 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, NOTIFY',
          contactUser: '1000',
          toTag: 'number-pid',
          sdp: 'fslab',
        },
      },
    },
    dialplan: { '9991': { kind: 'park' } },
    codecPrefs: VANILLA_CODEC_PREFS,
  };
}
