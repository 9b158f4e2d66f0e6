// The demo's sample users and conferences, written through the store like any admin would.
import { newConference } from '../domain/conferences.js';
import { newUser } from '../domain/users.js';
import type { Store } from '../store/store.js';

export interface DemoUser {
  userName: string;
  password: string;
  firstName: string;
  lastName: string;
  imId: string;
}

export const DEMO_ADMIN = { userName: 'admin', password: 'demo-admin-pass' } as const;

export const DEMO_USERS: readonly DemoUser[] = [
  { userName: '200', password: 'demo-pass-200', firstName: 'Alice', lastName: 'Archer', imId: 'alice' },
  { userName: '201', password: 'demo-pass-201', firstName: 'Bob', lastName: 'Baker', imId: 'bob' },
  { userName: '202', password: 'demo-pass-202', firstName: 'Carol', lastName: 'Cole', imId: 'carol' },
  { userName: '203', password: 'demo-pass-203', firstName: 'Dave', lastName: 'Dunn', imId: 'dave' },
  { userName: '204', password: 'demo-pass-204', firstName: 'Erin', lastName: 'Ellis', imId: 'erin' },
  { userName: '205', password: 'demo-pass-205', firstName: 'Frank', lastName: 'Ford', imId: 'frank' },
];

export const DEMO_CONFERENCES = [
  {
    name: 'team',
    owner: '200',
    extension: '3000',
    description: 'Daily stand-up',
    accessCode: '1234',
    delegates: ['201'],
  },
  {
    name: 'sales',
    owner: '202',
    extension: '3001',
    description: 'Sales pipeline review',
    accessCode: '5678',
  },
] as const;

/** Fills an empty store with the sample data (an existing store is left alone). */
export async function seedDemoData(store: Store, sipDomain: string): Promise<'seeded' | 'kept'> {
  if ((await store.listUsers()).length > 0) return 'kept';
  // Low-cost scrypt is not an option here: the demo's passwords must work like real ones.
  await store.createUser(await newUser({ ...DEMO_ADMIN, role: 'admin', firstName: 'Demo' }, { sipDomain }));
  for (const user of DEMO_USERS) await store.createUser(await newUser(user, { sipDomain }));
  for (const conf of DEMO_CONFERENCES)
    await store.createConference(
      newConference({ ...conf, delegates: [...('delegates' in conf ? conf.delegates : [])] }),
    );
  return 'seeded';
}
