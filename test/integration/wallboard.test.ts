// The wallboard in a real browser (Debian's chromium driven by playwright-core) against the whole
// daemon and the simulated FreeSWITCH: the page logs in with HTTP Basic, shows a call the simulator
// starts and removes it when the call ends, and shows a member's talking flag change.
// In CI (CI set) it always runs and FAILS without chromium (.ci/run installs it). On a developer's
// machine without chromium it is not run, with a notice: `npm test` needs nothing but Node and npm.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/daemon-harness.js';
import { USERS } from '../helpers/http.js';
import { requirementMet } from '../helpers/requirements.js';

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
const RUN_IN_BROWSER = requirementMet(
  'wallboard browser tests',
  existsSync(CHROMIUM),
  `no chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`,
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

/** Script errors and console errors (a failed load, such as a missing favicon, is one) per page. */
const pageErrors = new WeakMap<Page, string[]>();

async function openWallboard(
  harness: Harness,
  as: keyof typeof USERS,
  path = '/wallboard',
  viewport = { width: 1280, height: 720 },
): Promise<Page> {
  const context = await (
    await launched()
  ).newContext({
    httpCredentials: { username: USERS[as].userName, password: USERS[as].password },
    viewport,
  });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  const res = await page.goto(`${harness.url}${path}`);
  expect(res?.status()).toBe(200);
  await page.locator('#status[data-state="live"]').waitFor({ timeout: 5000 });
  expect(errors).toEqual([]);
  return page;
}

/** Screenshots kept for people to look at (test-artifacts/ is not committed). */
const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');

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
    const call = page.locator('article.call');
    await call.first().waitFor({ timeout: 5000 });
    expect(await call.count()).toBe(1);
    // Alice's name beside her extension
    await call.locator('.from .ext', { hasText: '200' }).waitFor({ timeout: 5000 });
    expect(await call.locator('.from .person').textContent()).toBe('Alice');
    const uuid = harness.sim.fs.snapshot().channels[0]!;
    expect(await call.getAttribute('data-call')).toBe(uuid);

    const id = await memberIdOf(harness, 'alice-conf');
    const member = page.locator(`[data-conference="alice-conf"] li[data-member="${id}"]`);
    await member.waitFor({ timeout: 5000 });
    expect(await member.locator('.person').textContent()).toBe('Alice');
    expect(await member.locator('.ext').textContent()).toBe('200');
    expect(await member.getAttribute('data-talking')).toBe('false');
    // A call into a conference names the conference as its far end.
    expect(await call.locator('.to .person').textContent()).toBe('alice-conf');

    harness.sim.fs.setTalking(id, true);
    await page.locator(`li[data-member="${id}"][data-talking="true"]`).waitFor({ timeout: 5000 });
    harness.sim.fs.setTalking(id, false);
    await page.locator(`li[data-member="${id}"][data-talking="false"]`).waitFor({ timeout: 5000 });

    harness.sim.fs.hangup(uuid);
    await call.first().waitFor({ state: 'detached', timeout: 5000 });
    await page.locator('[data-conference="alice-conf"]').waitFor({ state: 'detached', timeout: 5000 });
    expect(await page.locator('#no-calls').isVisible()).toBe(true);
    expect(await page.locator('#status').getAttribute('data-state')).toBe('live');
    expect(pageErrors.get(page)).toEqual([]);
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
    await owner.locator('article.call .from .ext', { hasText: '200' }).waitFor({ timeout: 5000 });
    expect(await owner.locator('article.call .from .person').allTextContents()).toEqual(['Alice']);

    const admin = await openWallboard(harness, 'admin');
    await admin.locator('[data-conference="carol-conf"] li.member').waitFor({ timeout: 5000 });
    expect(await admin.locator('[data-conference]').count()).toBe(2);
  });

  it('at 1920×1080: names beside extensions, ringing → talking → on hold → talking, no console errors', async () => {
    // Alice's phone rings a while before she answers, so the wall shows the ringing
    h = await startHarness({ reachability: { '127.0.0.1:5200': { kind: 'answer', afterMs: 1500 } } });
    const harness = h;
    await harness.waitSynced();
    const page = await openWallboard(harness, 'admin', '/wallboard', { width: 1920, height: 1080 });
    // a conference with a member talking, beside the call
    await harness.sim.fs.execute('originate', '{origination_caller_id_number=202}user/202 3001 XML default');
    const carol = await memberIdOf(harness, 'carol-conf');
    harness.sim.fs.setTalking(carol, true);
    await page.locator(`li[data-member="${carol}"][data-talking="true"]`).waitFor({ timeout: 5000 });
    expect(await page.locator('[data-conference="carol-conf"] .member-count').textContent()).toBe('1');
    const placed = await harness.request('PUT', '/my/call/201', { as: 'owner', json: true });
    const { uuid } = ((await placed.json()) as { call: { uuid: string } }).call;
    const card = page.locator(`article.call[data-call="${uuid}"]`);
    await card.and(page.locator('[data-state="ringing"]')).waitFor({ timeout: 5000 });
    expect(await card.locator('.state .label').textContent()).toBe('Ringing');
    // the caller's name (first and last name from the store) beside the extension
    await card.locator('.from .ext', { hasText: '200' }).waitFor({ timeout: 5000 });
    expect(await card.locator('.from .person').textContent()).toBe('Alice');
    await card.and(page.locator('[data-state="bridged"]')).waitFor({ timeout: 5000 });
    // Bob has no name in the store: his extension alone
    expect(await card.locator('.to .person').textContent()).toBe('201');
    expect(await card.locator('.state .label').textContent()).toBe('Talking');
    const held = await harness.request('PUT', `/my/activecdrs/${uuid}/hold`, { as: 'owner' });
    expect(held.status).toBe(200);
    await card.and(page.locator('[data-state="held"]')).waitFor({ timeout: 5000 });
    expect(await card.locator('.state .label').textContent()).toBe('On hold');
    // held and talking look different at a glance: each state has its own colour
    const colours = await page.evaluate<string[]>(
      `['ringing', 'bridged', 'held', 'answered'].map((s) =>
        getComputedStyle(document.querySelector('.legend .state[data-state="' + s + '"]')).backgroundColor)`,
    );
    expect(new Set(colours).size).toBe(4);

    // the page fills the screen, in type readable from across a room (expressions run in the page)
    const layout = await page.evaluate<{ font: number; width: number; bottom: number; scrolls: boolean }>(
      `({
        font: parseFloat(getComputedStyle(document.documentElement).fontSize),
        width: document.querySelector('main').getBoundingClientRect().width,
        bottom: document.querySelector('main').getBoundingClientRect().bottom,
        scrolls: document.documentElement.scrollHeight > window.innerHeight,
      })`,
    );
    expect(layout.font).toBeGreaterThanOrEqual(22);
    expect(layout.width).toBeGreaterThan(1920 * 0.9);
    expect(layout.bottom).toBeGreaterThan(1080 * 0.8);
    expect(layout.scrolls).toBe(false);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'wallboard-1080p.png') });

    // 4K: the same page, everything twice the size
    await page.setViewportSize({ width: 3840, height: 2160 });
    const font4k = await page.evaluate<number>(
      'parseFloat(getComputedStyle(document.documentElement).fontSize)',
    );
    expect(font4k).toBeGreaterThanOrEqual(2 * layout.font - 1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'wallboard-4k.png') });

    expect((await harness.request('PUT', `/my/activecdrs/${uuid}/resume`, { as: 'owner' })).status).toBe(200);
    await card.and(page.locator('[data-state="bridged"]')).waitFor({ timeout: 5000 });
    expect(pageErrors.get(page)).toEqual([]);
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
