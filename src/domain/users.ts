// Users of the daemon: field rules (one zod schema per field, shared by the store and the HTTP layer),
// creation and change, SIP digest credentials, and the only view of a user that may leave the process.
//
// SIP password decision: we keep the SIP password itself (besides its a1-hash) because sipX returned it
// in `/my/logindetails` `sipPassword` and clients (softphones, the Uniteme app) provision their SIP
// account from it. It is returned only to that user, authenticated with their own (different) portal
// password, never in the admin API, a list or a log; the data file is mode 0600. FreeSWITCH gets only
// the `a1-hash` (md5(user:domain:password)), so its directory XML never carries the password.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  deriveDigestSecret,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  type DigestSecret,
  type ScryptParams,
} from './passwords.js';

export const USER_NAME_RE = /^[A-Za-z0-9._-]{1,64}$/;
export const IM_ID_RE = /^[A-Za-z0-9._@+-]{1,64}$/;
const SIP_PASSWORD_RE = /^[A-Za-z0-9!#$%*+,\-./:;=?@^_~]{8,64}$/;
const CALLER_ID_NAME_RE = /^[\p{L}\p{N} ._()-]{0,64}$/u;
const CALLER_ID_NUMBER_RE = /^\+?[0-9]{0,32}$/;
/** Control characters, lone surrogates and non-characters: XML cannot carry them and logs should not. */
const NOT_PRINTABLE_RE = /[\p{Cc}\p{Cs}\uFFFE\uFFFF]/u;

/** Free text (names, descriptions): any printable Unicode, bounded; control characters refused. */
export function printableText(max: number) {
  return z
    .string()
    .max(max, `at most ${max} characters`)
    .refine((s) => !NOT_PRINTABLE_RE.test(s), 'control characters are not allowed');
}

/**
 * Whether a user or conference name can be a URL path segment. `.` and `..` pass the name patterns
 * but every URL parser resolves them away (also spelled %2E), so a resource named so could be created
 * but never read, changed or deleted. New names must pass this; stored ones are still loaded.
 */
export function isAddressableName(name: string): boolean {
  return name !== '.' && name !== '..';
}
export const UNADDRESSABLE_NAME = "'.' and '..' cannot be used: a URL cannot name them";

export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const userFields = {
  userName: z.string().regex(USER_NAME_RE, 'expected 1-64 of A-Z a-z 0-9 . _ -'),
  imId: z.string().regex(IM_ID_RE, 'expected 1-64 of A-Z a-z 0-9 . _ @ + -'),
  firstName: printableText(64),
  lastName: printableText(64),
  role: z.enum(ROLES),
  password: z
    .string()
    .min(8, 'at least 8 characters')
    .max(MAX_PASSWORD_LENGTH)
    .refine((s) => !NOT_PRINTABLE_RE.test(s), 'control characters are not allowed'),
  sipPassword: z.string().regex(SIP_PASSWORD_RE, 'expected 8-64 of A-Z a-z 0-9 !#$%*+,-./:;=?@^_~'),
  callerIdName: z.string().regex(CALLER_ID_NAME_RE, 'expected up to 64 letters, digits, space . _ ( ) -'),
  callerIdNumber: z.string().regex(CALLER_ID_NUMBER_RE, 'expected up to 32 digits, optionally after +'),
};

/** The name of a user being created: the stored-name rule plus isAddressableName. */
export const newUserName = userFields.userName.refine(isAddressableName, UNADDRESSABLE_NAME);

export interface User {
  readonly userName: string;
  readonly imId?: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly role: Role;
  /** scrypt hash of the portal/API password (see passwords.ts). Never leaves the process. */
  readonly passwordHash: string;
  /** HTTP Digest HA1s of the same password (passwords.ts); password-equivalent, never leaves the process. */
  readonly digestSecret?: DigestSecret;
  /** See the decision at the top of this file. */
  readonly sipPassword: string;
  /**
   * md5(userName:sipDomain:sipPassword), FreeSWITCH's directory `a1-hash`; absent while the domain is
   * unknown (use sipA1HashFor). Named to match log.ts's redaction list.
   */
  readonly a1Hash?: string;
  readonly sipDomain?: string;
  readonly callerIdName: string;
  readonly callerIdNumber: string;
}

export interface UserInput {
  userName: string;
  password: string;
  imId?: string;
  firstName?: string;
  lastName?: string;
  role?: Role;
  sipPassword?: string;
  callerIdName?: string;
  callerIdNumber?: string;
}

/** A change to an existing user; `imId: null` removes the alias. */
export interface UserChange {
  imId?: string | null;
  firstName?: string;
  lastName?: string;
  role?: Role;
  password?: string;
  sipPassword?: string;
  callerIdName?: string;
  callerIdNumber?: string;
}

export interface CredentialOptions {
  /** SIP domain the a1-hash is computed for (config.fsDomain); undefined: computed later by the reader. */
  sipDomain: string | undefined;
  scrypt?: ScryptParams;
}

/** The HA1 of RFC 2617 digest auth, as FreeSWITCH's directory `a1-hash` param expects. */
export function sipA1Hash(userName: string, domain: string, sipPassword: string): string {
  return createHash('md5').update(`${userName}:${domain}:${sipPassword}`, 'utf8').digest('hex');
}

/** The a1-hash for `domain`: the stored one when it was computed for that domain, else derived now. */
export function sipA1HashFor(user: User, domain: string): string {
  if (user.a1Hash !== undefined && user.sipDomain === domain) return user.a1Hash;
  return sipA1Hash(user.userName, domain, user.sipPassword);
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random SIP password (16 base62 characters, ~95 bits). */
export function generateSipPassword(): string {
  let out = '';
  // Rejection sampling keeps every character equally likely.
  while (out.length < 16) {
    for (const byte of randomBytes(32)) {
      if (byte < 248 && out.length < 16) out += BASE62[byte % 62];
    }
  }
  return out;
}

function sipCredentials(userName: string, sipPassword: string, sipDomain: string | undefined) {
  return sipDomain === undefined
    ? { sipPassword }
    : { sipPassword, sipDomain, a1Hash: sipA1Hash(userName, sipDomain, sipPassword) };
}

function defaultCallerIdName(userName: string, firstName: string, lastName: string): string {
  const full = `${firstName} ${lastName}`.trim();
  const name = CALLER_ID_NAME_RE.test(full) && full !== '' ? full : userName;
  return CALLER_ID_NAME_RE.test(name) ? name : '';
}

/** Builds a complete user record (hashing the password) from already validated input. */
export async function newUser(input: UserInput, options: CredentialOptions): Promise<User> {
  const firstName = input.firstName ?? '';
  const lastName = input.lastName ?? '';
  const user: User = {
    userName: input.userName,
    ...(input.imId !== undefined ? { imId: input.imId } : {}),
    firstName,
    lastName,
    role: input.role ?? 'user',
    passwordHash: await hashPassword(input.password, options.scrypt),
    digestSecret: deriveDigestSecret(input.userName, input.imId, input.password),
    ...sipCredentials(input.userName, input.sipPassword ?? generateSipPassword(), options.sipDomain),
    callerIdName: input.callerIdName ?? defaultCallerIdName(input.userName, firstName, lastName),
    callerIdNumber: input.callerIdNumber ?? (/^[0-9]{1,32}$/.test(input.userName) ? input.userName : ''),
  };
  return user;
}

/**
 * Turns a validated change into a synchronous `current → next` function. The slow part (hashing a new
 * password) happens here, before the store takes its write lock.
 */
export async function prepareUserChange(
  change: UserChange,
  options: CredentialOptions,
): Promise<(current: User) => User> {
  const passwordHash =
    change.password === undefined ? undefined : await hashPassword(change.password, options.scrypt);
  return (current) => {
    const {
      imId: _imId,
      sipPassword: _sp,
      a1Hash: _a1,
      sipDomain: _dom,
      digestSecret: _ds,
      ...rest
    } = current;
    const imId = change.imId === undefined ? current.imId : (change.imId ?? undefined);
    const digestSecret = nextDigestSecret(current, imId, change.password);
    // A new SIP password invalidates the old a1-hash; recompute it for the configured (or last) domain.
    const sip =
      change.sipPassword === undefined
        ? {
            sipPassword: current.sipPassword,
            ...(current.a1Hash !== undefined ? { a1Hash: current.a1Hash } : {}),
            ...(current.sipDomain !== undefined ? { sipDomain: current.sipDomain } : {}),
          }
        : sipCredentials(current.userName, change.sipPassword, options.sipDomain ?? current.sipDomain);
    return {
      ...rest,
      ...(imId !== undefined ? { imId } : {}),
      firstName: change.firstName ?? current.firstName,
      lastName: change.lastName ?? current.lastName,
      role: change.role ?? current.role,
      passwordHash: passwordHash ?? current.passwordHash,
      ...(digestSecret !== undefined ? { digestSecret } : {}),
      ...sip,
      callerIdName: change.callerIdName ?? current.callerIdName,
      callerIdNumber: change.callerIdNumber ?? current.callerIdNumber,
    };
  };
}

/**
 * A new password derives new Digest secrets; otherwise the userName's HA1 stays, and the alias's only
 * while the IM id is the one it was derived for (a new IM id gets its HA1 at the next Basic login).
 */
function nextDigestSecret(
  current: User,
  imId: string | undefined,
  password: string | undefined,
): DigestSecret | undefined {
  if (password !== undefined) return deriveDigestSecret(current.userName, imId, password);
  const secret = current.digestSecret;
  if (secret === undefined || secret.alias === undefined || secret.alias.imId === imId) return secret;
  const { alias: _stale, ...kept } = secret;
  return kept;
}

/** What the admin API shows of a user: no password, no SIP password, no hash. */
export function publicUser(user: User) {
  return {
    userName: user.userName,
    imId: user.imId ?? '',
    firstName: user.firstName,
    lastName: user.lastName,
    role: user.role,
    callerIdName: user.callerIdName,
    callerIdNumber: user.callerIdNumber,
  };
}
