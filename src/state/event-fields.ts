// Typed, bounded reads of FreeSWITCH event header values. Every value from the wire is hostile:
// these helpers never throw, bound lengths and ranges, and answer `undefined` for anything garbled,
// so the reducers can treat "missing" and "malformed" alike.

export type Headers = Readonly<Record<string, string>>;

/** Longest text we keep from one header (caller names, channel names, file paths). */
export const MAX_TEXT_LENGTH = 256;
/** Longest identifier we accept (uuids are 36; origination_uuid may be any string). */
export const MAX_ID_LENGTH = 128;

// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/g;

/**
 * A private flat copy of a string. Header values of plain events are slices of the whole frame;
 * V8 keeps the parent string alive as long as a slice is referenced, so a stored slice would pin a
 * multi-kilobyte event per tracked call. Concatenating and slicing again forces a fresh flat string.
 */
export function detach(value: string): string {
  return (' ' + value).slice(1);
}

/** Control-character-free, length-bounded text; undefined when absent or empty. */
export function text(headers: Headers, name: string, max = MAX_TEXT_LENGTH): string | undefined {
  const raw = headers[name];
  if (typeof raw !== 'string' || raw === '') return undefined;
  return cleanText(raw, max);
}

/** The same cleaning for values that did not come from a header map (snapshots). */
export function cleanText(raw: unknown, max = MAX_TEXT_LENGTH): string | undefined {
  if (typeof raw !== 'string' || raw === '') return undefined;
  let value = raw.length > max ? raw.slice(0, max) : raw;
  if (HAS_CONTROL.test(value)) value = value.replace(CONTROL_CHARS, '');
  return value === '' ? undefined : value;
}

/** An identifier (uuid, job id): non-empty, bounded, no whitespace or control characters. */
export function id(headers: Headers, name: string): string | undefined {
  return cleanId(headers[name]);
}

export function cleanId(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw === '' || raw.length > MAX_ID_LENGTH) return undefined;
  return /^[\x21-\x7e]+$/.test(raw) ? raw : undefined;
}

/** FreeSWITCH booleans are the strings "true" and "false". */
export function flag(headers: Headers, name: string): boolean | undefined {
  const raw = headers[name];
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return undefined;
}

/** A decimal integer within [min, max]; undefined otherwise. */
export function int(headers: Headers, name: string, min: number, max: number): number | undefined {
  return cleanInt(headers[name], min, max);
}

export function cleanInt(raw: unknown, min: number, max: number): number | undefined {
  if (typeof raw === 'number') return Number.isInteger(raw) && raw >= min && raw <= max ? raw : undefined;
  if (typeof raw !== 'string' || !/^-?\d{1,16}$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= min && value <= max ? value : undefined;
}

/** Latest plausible epoch (year 2200) in ms; later values are treated as garbage. */
const MAX_EPOCH_MS = 7_258_118_400_000;

/** FreeSWITCH microsecond timestamps (`Event-Date-Timestamp`, `Caller-Channel-*-Time`) as epoch ms. */
export function microsToMs(headers: Headers, name: string): number | undefined {
  const raw = headers[name];
  if (typeof raw !== 'string' || !/^\d{1,19}$/.test(raw)) return undefined;
  const ms = Math.floor(Number(raw) / 1000);
  return ms > 0 && ms <= MAX_EPOCH_MS ? ms : undefined;
}

/** Epoch seconds (`created_epoch` in `show channels`) as epoch ms. */
export function secondsToMs(raw: unknown): number | undefined {
  const seconds = cleanInt(raw, 1, Math.floor(MAX_EPOCH_MS / 1000));
  return seconds === undefined ? undefined : seconds * 1000;
}

/** When the event happened by FreeSWITCH's clock, else the fallback clock. */
export function eventTime(headers: Headers, fallback: () => number): number {
  return microsToMs(headers, 'Event-Date-Timestamp') ?? fallback();
}

/** Stores `next` only when it differs, so unchanged values are not copied again on every event. */
export function keep(current: string, next: string | undefined): string {
  return next === undefined || next === current ? current : detach(next);
}

export function keepOptional(current: string | undefined, next: string | undefined): string | undefined {
  return next === undefined || next === current ? current : detach(next);
}
