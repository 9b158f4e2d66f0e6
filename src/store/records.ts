// Schemas of stored records and of the data file. Records are validated on load and before every write,
// so a bug elsewhere can never persist something the next start-up would refuse.
import { z } from 'zod';
import { conferenceFields, type Conference } from '../domain/conferences.js';
import { isPasswordHash } from '../domain/passwords.js';
import { userFields, type User } from '../domain/users.js';

const md5Hex = z.string().regex(/^[0-9a-f]{32}$/);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/** HTTP Digest HA1s (domain/passwords.ts): for the userName and, optionally, the IM id alias. */
const digestSecretSchema = z.strictObject({
  realm: z.string().min(1).max(128),
  md5: md5Hex,
  sha256: sha256Hex,
  alias: z.strictObject({ imId: userFields.imId, md5: md5Hex, sha256: sha256Hex }).optional(),
});

export const userRecordSchema = z.strictObject({
  userName: userFields.userName,
  imId: userFields.imId.optional(),
  firstName: userFields.firstName,
  lastName: userFields.lastName,
  role: userFields.role,
  passwordHash: z.string().refine(isPasswordHash, 'not a scrypt hash'),
  digestSecret: digestSecretSchema.optional(),
  sipPassword: userFields.sipPassword,
  a1Hash: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
  sipDomain: z.string().max(253).optional(),
  callerIdName: userFields.callerIdName,
  callerIdNumber: userFields.callerIdNumber,
});

export const conferenceRecordSchema = z.strictObject(conferenceFields);

export const STORE_FORMAT = 'fs-confd/store';
export const STORE_VERSION = 1;

export const storeFileSchema = z.strictObject({
  format: z.literal(STORE_FORMAT),
  version: z.literal(STORE_VERSION),
  users: z.array(userRecordSchema),
  conferences: z.array(conferenceRecordSchema),
});

export type StoreFile = z.infer<typeof storeFileSchema>;

/** "users[3].userName: expected ..." — the first problem, with where it is. */
export function describeIssue(error: z.ZodError): { path: string; message: string } {
  const issue = error.issues[0];
  if (!issue) return { path: '', message: 'invalid' };
  let path = '';
  for (const part of issue.path) {
    path += typeof part === 'number' ? `[${part}]` : path === '' ? String(part) : `.${String(part)}`;
  }
  const keys = issue.code === 'unrecognized_keys' ? `: ${issue.keys.slice(0, 3).join(', ')}` : '';
  return { path, message: `${issue.message}${keys}` };
}

function deepFreeze<T extends object>(value: T): T {
  for (const v of Object.values(value)) if (v !== null && typeof v === 'object') deepFreeze(v as object);
  return Object.freeze(value);
}

/** Validates and freezes a user record; frozen records can be shared with readers without copying. */
export function checkedUser(
  user: User,
): { ok: true; user: User } | { ok: false; path: string; message: string } {
  const parsed = userRecordSchema.safeParse(user);
  if (!parsed.success) return { ok: false, ...describeIssue(parsed.error) };
  return { ok: true, user: deepFreeze(parsed.data) };
}

export function checkedConference(
  conf: Conference,
): { ok: true; conference: Conference } | { ok: false; path: string; message: string } {
  const parsed = conferenceRecordSchema.safeParse(conf);
  if (!parsed.success) return { ok: false, ...describeIssue(parsed.error) };
  return { ok: true, conference: deepFreeze(parsed.data) };
}

export { deepFreeze };
