// switch_url_encode: FreeSWITCH percent-encodes control characters, non-ASCII bytes and the characters
// in SWITCH_URL_UNSAFE; `,` `/` `(` `)` stay as they are (see the transcripts' README, point 3).
const UNSAFE = new Set('\r\n "#%&+:;<=>?@[\\]^`{|}');

export function urlEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (byte < 33 || byte > 126 || UNSAFE.has(ch))
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}
