// The SIP and RTP particulars of one call leg: dialog tags, Call-ID, Via branch, media ports, SSRC and
// the SDP both ends send. FreeSWITCH reports them in channel variables; they differ from call to call,
// so the model draws them at random in the shapes FreeSWITCH and sipp use.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** sofia's tags and branches: 13 random alphanumerics. */
export function sofiaToken(length = 13): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

/** sipp's tags: `<pid>SIPpTag0<call number>`. */
export function sippTag(): string {
  return `${randomInt(10000, 99999)}SIPpTag0${randomInt(10, 99)}`;
}

export interface SipSession {
  /** The far sipp process's id (it appears in its tags, Call-IDs and branches). */
  pid: number;
  /** Our tag (From for outbound legs, To for inbound ones). */
  localTag: string;
  /** The far end's tag. */
  remoteTag: string;
  callId: string;
  branch: string;
  cseq: number;
  localMediaPort: number;
  remoteMediaPort: number;
  ssrc: number;
  /** `o=FreeSWITCH <id> <version>` of our SDP. */
  sdpSessionId: number;
}

export function newSipSession(
  outbound: boolean,
  remoteMediaPort: number,
  toTag: 'sipp' | 'number-pid' = 'sipp',
): SipSession {
  const pid = randomInt(10000, 99999);
  const remoteTag = !outbound
    ? `${pid}SIPpTag001`
    : toTag === 'sipp'
      ? sippTag()
      : `${randomInt(1, 999)}-${randomInt(10000, 99999)}`;
  return {
    pid,
    localTag: sofiaToken(),
    remoteTag,
    // sofia's Call-IDs look like UUIDs; sipp's are `<n>-<pid>@<ip>`
    callId: outbound ? randomUUID() : `1-${pid}@127.0.0.1`,
    branch: `z9hG4bK${sofiaToken()}`,
    cseq: outbound ? randomInt(100_000_000, 200_000_000) : 1,
    localMediaPort: 16384 + 2 * randomInt(0, 8000),
    remoteMediaPort,
    ssrc: randomInt(1, 4_294_967_295),
    sdpSessionId: randomInt(1_795_000_000, 1_795_999_999),
  };
}

const sdpLines = (lines: string[]): string => `${lines.join('\r\n')}\r\n`;

/** How FreeSWITCH offers each audio codec of its preferences (payload type, rtpmap, fmtp). */
const AUDIO_OFFERS: Record<string, { pt: number; lines: string[] }> = {
  OPUS: {
    pt: 102,
    lines: [
      'a=rtpmap:102 opus/48000/2',
      'a=fmtp:102 useinbandfec=1; maxaveragebitrate=30000; maxplaybackrate=48000; ptime=20; minptime=10; maxptime=40',
    ],
  },
  G722: { pt: 9, lines: ['a=rtpmap:9 G722/8000'] },
  PCMU: { pt: 0, lines: ['a=rtpmap:0 PCMU/8000'] },
  PCMA: { pt: 8, lines: ['a=rtpmap:8 PCMA/8000'] },
};

/**
 * The SDP FreeSWITCH offers (the audio codecs of its preferences, then telephone-event, at 48 kHz too
 * when opus is offered; video codecs are left out with video disabled) or answers (the chosen codec).
 */
export function localSdp(s: SipSession, ip: string, offer: boolean, codecPrefs: readonly string[]): string {
  const offered = offer ? codecPrefs.flatMap((c) => AUDIO_OFFERS[c] ?? []) : [AUDIO_OFFERS['PCMU']!];
  const wideband = offered.some((o) => o.pt === 102);
  const payloads = [...offered.map((o) => o.pt), ...(wideband ? [103] : []), 101].join(' ');
  const lines = [
    'v=0',
    `o=FreeSWITCH ${s.sdpSessionId} ${s.sdpSessionId + 1} IN IP4 ${ip}`,
    's=FreeSWITCH',
    `c=IN IP4 ${ip}`,
    't=0 0',
    `m=audio ${s.localMediaPort} RTP/AVP ${payloads}`,
    ...offered.flatMap((o) => o.lines),
  ];
  if (wideband) lines.push('a=rtpmap:103 telephone-event/48000', 'a=fmtp:103 0-15');
  lines.push('a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', 'a=ptime:20', 'a=sendrecv');
  return sdpLines(lines);
}

/** The SDP a sipp endpoint sends (the lab's scenario files also offer telephone-event). */
export function remoteSdp(
  ip: string,
  port: number,
  telephoneEvent = false,
  style: 'sipp' | 'fslab' = 'sipp',
): string {
  if (style === 'fslab')
    // the second lab's UAS scenario (click-to-call-dialplan-ext.txt)
    return sdpLines([
      'v=0',
      'o=fslab 53655765 2353687637 IN IP4 127.0.0.1',
      's=fslab-sipp',
      `c=IN IP4 ${ip}`,
      't=0 0',
      `m=audio ${port} RTP/AVP 0 101`,
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-16',
    ]);
  const lines = [
    'v=0',
    'o=user1 53655765 2353687637 IN IP4 127.0.0.1',
    's=-',
    `c=IN IP4 ${ip}`,
    't=0 0',
    `m=audio ${port} RTP/AVP 0${telephoneEvent ? ' 101' : ''}`,
    'a=rtpmap:0 PCMU/8000',
  ];
  if (telephoneEvent) lines.push('a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15');
  return sdpLines(lines);
}
