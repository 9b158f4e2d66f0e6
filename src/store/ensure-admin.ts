// ADMIN_USER / ADMIN_PASSWORD: create the first admin when the store has none, so a fresh install can
// be managed through the admin API. Never touches an existing user's password.
import type { ScryptParams } from '../domain/passwords.js';
import { newUser } from '../domain/users.js';
import { ConflictError, type Store } from './store.js';

export type EnsureAdminResult = 'created' | 'admin-exists' | 'not-configured';

export class AdminSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminSetupError';
  }
}

/** ADMIN_USER, ADMIN_PASSWORD (both or neither), and FS_DOMAIN for the new user's SIP identity. */
export interface AdminAccountConfig {
  adminUser: string | undefined;
  adminPassword: string | undefined;
  fsDomain: string | undefined;
}

export async function ensureAdmin(
  store: Store,
  config: AdminAccountConfig,
  options: { scrypt?: ScryptParams } = {},
): Promise<EnsureAdminResult> {
  const { adminUser, adminPassword } = config;
  if (adminUser === undefined || adminPassword === undefined) return 'not-configured';
  if (await store.hasAdmin()) return 'admin-exists';
  if (await store.findUserByLogin(adminUser))
    throw new AdminSetupError(
      `ADMIN_USER: "${adminUser}" already exists as a user without the admin role; choose another name`,
    );
  const user = await newUser(
    { userName: adminUser, password: adminPassword, role: 'admin', firstName: 'Administrator' },
    { sipDomain: config.fsDomain, ...(options.scrypt ? { scrypt: options.scrypt } : {}) },
  );
  try {
    await store.createUser(user);
  } catch (err) {
    // Another daemon sharing the store created it first (they start together).
    if (err instanceof ConflictError && (await store.hasAdmin())) return 'admin-exists';
    throw err;
  }
  return 'created';
}
