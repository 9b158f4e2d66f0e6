// Strict, single percent-decoding of one piece of a URL path. Hostile input is the normal case here:
// a malformed escape or a control character is an error, never "kept as sent" (unlike safeUrlDecode
// in esl/events.ts, which must tolerate whatever FreeSWITCH puts in event headers).
import { fail, ok, type Check } from './check.js';

/**
 * Characters that must never reach FreeSWITCH: every C0/C1 control (CR, LF, NUL, TAB, ESC, DEL, NEL...)
 * and the Unicode line/paragraph separators, which some tools treat as line breaks.
 */
const CONTROL_RE = /[\p{Cc}\u2028\u2029]/u;

export function hasControlChars(text: string): boolean {
  return CONTROL_RE.test(text);
}

const MALFORMED_ESCAPE_RE = /%(?![0-9A-Fa-f]{2})/;

/**
 * Decodes `%XX` escapes exactly once. Rejects a `%` not followed by two hex digits, escapes that do not
 * form UTF-8, and any control character in the result (whether it arrived raw or encoded). A decoded
 * `%` stays a literal `%`: `%250D` is the three characters `%0D`, not CR.
 */
export function decodeUrlComponentOnce(raw: string, maxDecodedLength: number): Check<string> {
  if (MALFORMED_ESCAPE_RE.test(raw)) return fail('malformed percent-encoding');
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return fail('percent-encoding is not valid UTF-8');
  }
  if (hasControlChars(decoded)) return fail('control characters are not allowed');
  if (decoded.length > maxDecodedLength) return fail(`longer than ${maxDecodedLength} characters`);
  return ok(decoded);
}
