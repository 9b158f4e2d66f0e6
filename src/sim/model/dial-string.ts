// Pure parsing of what `originate` (and `&bridge()`, `conference dial`) receive: a `{var=val,...}`
// block, an endpoint (`user/...`, `loopback/...`, `sofia/...`), and what to run once the leg answers.
// It parses the way FreeSWITCH does, quirks included: the line is split on spaces, and the arguments of
// `&app(...)` end at the first `)`, so `&playback(tone_stream://%(1,0,2))` loses its tail.

export const ORIGINATE_USAGE =
  '<call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]';

export type Endpoint =
  | { type: 'user'; user: string; domain: string | undefined }
  | { type: 'loopback'; extension: string; context: string; dialplan: string }
  | { type: 'sofia'; profile: string; user: string; host: string; port: number | undefined }
  | { type: 'unknown'; module: string };

export interface DialString {
  /** Channel variables from `{...}`, in the order given. */
  vars: Array<[string, string]>;
  endpoint: Endpoint;
  /** The endpoint text without the `{...}` block, as FreeSWITCH logs it. */
  target: string;
}

export type AfterAnswer =
  | { type: 'app'; app: string; data: string }
  | { type: 'extension'; extension: string; dialplan: string; context: string };

export interface OriginateArgs {
  dial: DialString;
  /** The dial string exactly as sent (the `current_application_data` of a bridge, for instance). */
  rawDial: string;
  then: AfterAnswer;
  callerIdName: string | undefined;
  callerIdNumber: string | undefined;
  timeoutSec: number | undefined;
}

/** Splits `a=b,c=d` honouring `\,` escapes. */
function parseVarBlock(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let current = '';
  const flush = (): void => {
    const eq = current.indexOf('=');
    if (eq > 0) out.push([current.slice(0, eq).trim(), current.slice(eq + 1)]);
    current = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && text[i + 1] === ',') {
      current += ',';
      i++;
    } else if (ch === ',') flush();
    else current += ch;
  }
  flush();
  return out;
}

export function parseEndpoint(target: string, defaultContext = 'default'): Endpoint {
  const slash = target.indexOf('/');
  const module = slash === -1 ? target : target.slice(0, slash);
  const rest = slash === -1 ? '' : target.slice(slash + 1);
  if (module === 'user' && rest) {
    const at = rest.indexOf('@');
    return at === -1
      ? { type: 'user', user: rest, domain: undefined }
      : { type: 'user', user: rest.slice(0, at), domain: rest.slice(at + 1) };
  }
  if (module === 'loopback' && rest) {
    const [extension = '', context = defaultContext, dialplan = 'XML'] = rest.split('/');
    return { type: 'loopback', extension, context: context || defaultContext, dialplan };
  }
  if (module === 'sofia' && rest) {
    const profileEnd = rest.indexOf('/');
    if (profileEnd > 0) {
      const profile = rest.slice(0, profileEnd);
      const uri = rest.slice(profileEnd + 1).replace(/^sips?:/, '');
      const at = uri.indexOf('@');
      const user = at === -1 ? '' : uri.slice(0, at);
      const hostPort = (at === -1 ? uri : uri.slice(at + 1)).split(';')[0] ?? '';
      const colon = hostPort.lastIndexOf(':');
      const port = colon === -1 ? undefined : Number(hostPort.slice(colon + 1));
      const host = colon === -1 ? hostPort : hostPort.slice(0, colon);
      if (host && (port === undefined || (Number.isInteger(port) && port > 0 && port < 65536)))
        return { type: 'sofia', profile, user, host, port };
    }
  }
  return { type: 'unknown', module };
}

export function parseDialString(text: string, defaultContext = 'default'): DialString {
  let vars: Array<[string, string]> = [];
  let target = text;
  if (text.startsWith('{')) {
    const end = text.indexOf('}');
    if (end !== -1) {
      vars = parseVarBlock(text.slice(1, end));
      target = text.slice(end + 1);
    }
  }
  return { vars, endpoint: parseEndpoint(target, defaultContext), target };
}

export type ParseResult = { ok: true; args: OriginateArgs } | { ok: false; reply: string };

/** Parses the argument string of `originate`; a malformed line gets FreeSWITCH's usage reply. */
export function parseOriginate(args: string, defaultContext = 'default'): ParseResult {
  const argv = args.split(' ').filter((a) => a !== '');
  if (argv.length < 2 || argv.length > 7) return { ok: false, reply: `-USAGE: ${ORIGINATE_USAGE}\n` };
  const [rawDial, second, dialplan, context, cidName, cidNum, timeout] = argv as [
    string,
    string,
    ...string[],
  ];
  let then: AfterAnswer;
  if (second.startsWith('&') && second.length > 1) {
    const body = second.slice(1);
    const open = body.indexOf('(');
    if (open === -1) then = { type: 'app', app: body, data: '' };
    else {
      const data = body.slice(open + 1);
      const close = data.indexOf(')');
      then = { type: 'app', app: body.slice(0, open), data: close === -1 ? data : data.slice(0, close) };
    }
  } else {
    then = {
      type: 'extension',
      extension: second,
      dialplan: dialplan ?? 'XML',
      context: context ?? defaultContext,
    };
  }
  const timeoutSec = timeout !== undefined && /^\d+$/.test(timeout) ? Number(timeout) : undefined;
  return {
    ok: true,
    args: {
      dial: parseDialString(rawDial, defaultContext),
      rawDial,
      then,
      callerIdName: cidName,
      callerIdNumber: cidNum,
      timeoutSec,
    },
  };
}

/** A channel variable from the dial string, or undefined. */
export function dialVar(dial: DialString, name: string): string | undefined {
  for (let i = dial.vars.length - 1; i >= 0; i--) if (dial.vars[i]![0] === name) return dial.vars[i]![1];
  return undefined;
}
