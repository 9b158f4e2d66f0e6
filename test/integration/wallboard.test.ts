// The wallboard in a real browser (Debian's chromium driven by playwright-core) against the whole
// daemon and the simulated FreeSWITCH: the page logs in with HTTP Basic, shows a call the simulator
// starts and removes it when the call ends, and shows a member's talking flag change.
// In CI (CI=true) it always runs and FAILS without chromium (.ci/run installs it). On a developer's
// machine without chromium it is not run, with a notice: `npm test` needs nothing but Node and npm.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/daemon-harness.js';
import { USERS } from '../helpers/http.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** CI must prove the page in a browser; elsewhere a missing chromium only costs this one file. */
const RUN_IN_BROWSER = process.env['CI'] === 'true' || existsSync(CHROMIUM);
if (!RUN_IN_BROWSER)
  console.warn(
    `wallboard browser tests NOT RUN: no chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH); CI always runs them`,
  );

let browser: Browser | undefined;
let h: Harness | undefined;
const contexts: BrowserContext[] = [];

/** The browser, launched on first use; a missing chromium fails the test that needs it, clearly. */
async function launched(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`,
    );
  // playwright gives every launch a fresh temporary profile (--user-data-dir) and removes it on close.
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
  return browser;
}

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
  await h?.close();
  h = undefined;
});

async function openWallboard(harness: Harness, as: keyof typeof USERS, path = '/wallboard'): Promise<Page> {
  const context = await (
    await launched()
  ).newContext({
    httpCredentials: { username: USERS[as].userName, password: USERS[as].password },
  });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const res = await page.goto(`${harness.url}${path}`);
  expect(res?.status()).toBe(200);
  await page.locator('#status[data-state="live"]').waitFor({ timeout: 5000 });
  expect(errors).toEqual([]);
  return page;
}

async function memberIdOf(harness: Harness, conference: string): Promise<number> {
  let id: number | undefined;
  await harness.eventually(
    () =>
      (id = harness.sim.fs.snapshot().conferences.find((c) => c.name === conference)?.members[0]) !==
      undefined,
  );
  return id!;
}

describe.runIf(RUN_IN_BROWSER)('wallboard in chromium', () => {
  it('shows a call and its conference member, the talking flag, and removes the call when it ends', async () => {
    h = await startHarness();
    const harness = h;
    await harness.waitSynced();
    const page = await openWallboard(harness, 'admin');
    await expect.poll(() => page.locator('#no-calls').isVisible()).toBe(true);

    // 200 clicks to call alice-conf's extension: their phone answers and joins the conference.
    expect((await harness.request('PUT', '/my/call/3000', { as: 'owner' })).status).toBe(200);
    const call = page.locator('tr.call');
    await call.first().waitFor({ timeout: 5000 });
    expect(await call.count()).toBe(1);
    expect(await call.locator('td.from').textContent()).toBe('200');
    const uuid = harness.sim.fs.snapshot().channels[0]!;
    expect(await call.getAttribute('data-call')).toBe(uuid);

    const id = await memberIdOf(harness, 'alice-conf');
    const member = page.locator(`[data-conference="alice-conf"] li[data-member="${id}"]`);
    await member.waitFor({ timeout: 5000 });
    expect(await member.locator('.name').textContent()).toBe('200');
    expect(await member.getAttribute('data-talking')).toBe('false');
    // A call into a conference names the conference as its far end.
    expect(await call.locator('td.to').textContent()).toBe('alice-conf');

    harness.sim.fs.setTalking(id, true);
    await page.locator(`li[data-member="${id}"][data-talking="true"]`).waitFor({ timeout: 5000 });
    harness.sim.fs.setTalking(id, false);
    await page.locator(`li[data-member="${id}"][data-talking="false"]`).waitFor({ timeout: 5000 });

    harness.sim.fs.hangup(uuid);
    await call.first().waitFor({ state: 'detached', timeout: 5000 });
    await page.locator('[data-conference="alice-conf"]').waitFor({ state: 'detached', timeout: 5000 });
    expect(await page.locator('#no-calls').isVisible()).toBe(true);
    expect(await page.locator('#status').getAttribute('data-state')).toBe('live');
  });

  it('shows a user only their own conferences, also under /sipxconfig/rest', async () => {
    h = await startHarness();
    const harness = h;
    await harness.waitSynced();
    await harness.sim.fs.execute('originate', '{origination_caller_id_number=202}user/202 3001 XML default');
    await harness.sim.fs.execute('originate', '{origination_caller_id_number=200}user/200 3000 XML default');
    await memberIdOf(harness, 'alice-conf');
    await memberIdOf(harness, 'carol-conf');

    const owner = await openWallboard(harness, 'owner', '/sipxconfig/rest/wallboard');
    await owner.locator('[data-conference="alice-conf"] li.member').waitFor({ timeout: 5000 });
    expect(await owner.locator('[data-conference]').count()).toBe(1);
    expect(await owner.locator('tr.call td.from').allTextContents()).toEqual(['200']);

    const admin = await openWallboard(harness, 'admin');
    await admin.locator('[data-conference="carol-conf"] li.member').waitFor({ timeout: 5000 });
    expect(await admin.locator('[data-conference]').count()).toBe(2);
  });

  it('asks for a login: 401 with Digest and Basic challenges without credentials', async () => {
    h = await startHarness();
    const res = await h.request('GET', '/wallboard');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Digest realm=.*, Basic realm=/);
    const page = await h.request('GET', '/wallboard', { as: 'other' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('wallboard/wallboard.js');
  });
});
