// URL paths as the API sees them: every route is served at the root and under /sipxconfig/rest
// (sipX's base URL), and some routes read a segment exactly as it was sent (still percent-encoded),
// because the layer below decodes it exactly once itself (`%250D` is the text `%0D`, not CR).
import type { Context } from 'hono';
import { getPath } from 'hono/utils/url';
import { decodeUrlComponentOnce } from '../domain/url-decoding.js';

export const SIPX_PREFIX = '/sipxconfig/rest';

/** The routing path: the URL path with a leading /sipxconfig/rest removed. */
export function routingPath(request: Request): string {
  const path = getPath(request);
  if (path === SIPX_PREFIX) return '/';
  return path.startsWith(`${SIPX_PREFIX}/`) ? path.slice(SIPX_PREFIX.length) : path;
}

/** The last path segment exactly as sent (e.g. `{to}` of /my/call/{to}). */
export function rawLastSegment(url: string): string {
  const query = url.indexOf('?');
  const hash = url.indexOf('#');
  let end = url.length;
  if (query !== -1) end = query;
  if (hash !== -1 && hash < end) end = hash;
  return url.slice(url.lastIndexOf('/', end - 1) + 1, end);
}

export interface RawCommandTarget {
  /** The `{confName}` segment, decoded once; undefined when it is not decodable. */
  conferenceName: string | undefined;
  /** Everything after `{confName}/`, undecoded; '' when there is no command. */
  tail: string;
}

/** Path segments before `{confName}`: ``, `my`, `conference` (after the optional /sipxconfig/rest). */
const SEGMENTS_BEFORE_NAME = 3;

/**
 * Splits the raw path of /my/conference/{confName}/{command}[&arg...]. The router matched the decoded
 * path, whose segments line up with the raw ones (an encoded `/` stays `%2F` in both), so counting
 * segments is enough.
 */
export function rawCommandTarget(c: Context): RawCommandTarget {
  const url = c.req.url;
  const start = url.indexOf('/', url.indexOf(':') + 3);
  const endMarks = [url.indexOf('?', start), url.indexOf('#', start)].filter((i) => i !== -1);
  const rawPath = url.slice(start, endMarks.length > 0 ? Math.min(...endMarks) : undefined);
  const prefixed = getPath(c.req.raw).startsWith(`${SIPX_PREFIX}/`);
  const segments = rawPath.split('/').slice(prefixed ? 2 : 0);
  const rawName = segments[SEGMENTS_BEFORE_NAME] ?? '';
  const name = decodeUrlComponentOnce(rawName, 256);
  return {
    conferenceName: name.ok ? name.value : undefined,
    tail: segments.slice(SEGMENTS_BEFORE_NAME + 1).join('/'),
  };
}
