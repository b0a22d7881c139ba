// End-to-end tests of the two web pages that `veil serve` serves, in a real headless Chromium driven by
// Playwright (playwright-core; the browser is the system's, e.g. Debian's /usr/bin/chromium).
//
// Environment (BrowserUiIT sets it): VEIL_BASE_URL (the gateway), VEIL_ADMIN_TOKEN, VEIL_API_KEY (a client key
// of tenant "default"), MOCK_RECORD_FILE (the mock provider's record of every body it received), CHROMIUM
// (browser executable), SCREENSHOT_DIR (where screenshots go), VEIL_SERVE_LOG (the gateway's log, checked for
// leaked link tokens).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const BASE = required('VEIL_BASE_URL').replace(/\/$/, '');
const ADMIN = required('VEIL_ADMIN_TOKEN');
const KEY = required('VEIL_API_KEY');
const RECORD = process.env.MOCK_RECORD_FILE;
const SHOTS = process.env.SCREENSHOT_DIR || 'screenshots';
const SERVE_LOG = process.env.VEIL_SERVE_LOG;
const EMAIL = 'pat.quinn@example.net';
const EMAIL_RE = /pat\.quinn@example\.net/;
const PHONE = '+1 212 555 0100';
const tokensSeen = [];

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

let browser;

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
});

after(async () => {
  if (browser) await browser.close();
});

/** A page that records console errors and Content-Security-Policy violations. */
async function newPage(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, ...options });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => {
    const t = m.text();
    // HTTP errors the flows provoke (a wrong token: 401; doctor absent from the build: 404) are asserted where
    // they happen; anything else logged as an error is a problem
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of (401|404)/.test(t)) {
      page.problems.push(t);
    }
    if (/Content Security Policy/i.test(t)) page.problems.push(t);
  });
  page.on('pageerror', (e) => page.problems.push(String(e)));
  return page;
}

/**
 * Runs axe-core (WCAG 2.1 A and AA rules, contrast included) on the page as it is now and fails on any
 * serious or critical violation. Evaluated through the DevTools protocol, so the page's CSP stays as served.
 */
async function assertAccessible(page, label) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(bad, [], `accessibility violations on ${label}`);
}

async function chat(content, headers = {}, key = KEY) {
  const res = await fetch(`${BASE}/v1/chat/completions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }),
  });
  return { status: res.status, json: await res.json() };
}

async function adminPost(p, body) {
  const res = await fetch(`${BASE}${p}`, {
    method: 'POST', headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201, `${p}: ${res.status}`);
  return res.json();
}

function recorded() {
  if (!RECORD || !fs.existsSync(RECORD)) return '';
  return fs.readFileSync(RECORD, 'utf8');
}

async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: path.join(SHOTS, name), fullPage });
}

test('admin console: login, live dashboard, try-it, keys, audit, doctor, privacy links', async () => {
  // traffic for the dashboard: answered with PII, refused (bad key), blocked (no consent for an identified user)
  for (let i = 0; i < 3; i++) {
    const r = await chat(`Hello, I am Pat Quinn, mail ${EMAIL} or call ${PHONE}, thanks (run ${i}).`);
    assert.equal(r.status, 200);
  }
  assert.equal((await chat('hi', {}, 'sk-veil-wrong-key')).status, 401);
  assert.equal((await chat(`Mail ${EMAIL}`, { 'X-Veil-User': 'dashboard-user-1' })).status, 403);

  const page = await newPage();
  const res = await page.goto(`${BASE}/ui/admin/`);
  assert.equal(res.headers()['referrer-policy'], 'no-referrer');
  assert.match(res.headers()['content-security-policy'], /script-src 'self'/);
  assert.doesNotMatch(res.headers()['content-security-policy'], /unsafe-inline/);

  await assertAccessible(page, 'the login form');
  // keyboard only: the skip link comes first, then the token field; Enter submits
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  await page.focus('#token');
  await page.keyboard.type('not-the-admin-token-0000');
  await page.keyboard.press('Enter');
  await page.getByRole('alert').filter({ hasText: 'Wrong admin token' }).waitFor();
  assert.ok(await page.isHidden('#console'));

  await page.fill('#token', ADMIN);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#tiles .tile');
  const tiles = async () => Object.fromEntries(await page.$$eval('#tiles .tile',
    (ts) => ts.map((t) => [t.querySelector('.k').textContent, t.querySelector('.v').textContent])));
  const t = await tiles();
  assert.ok(Number(t.requests) >= 5, `requests tile: ${JSON.stringify(t)}`);
  assert.ok(Number(t['blocked (privacy)']) >= 1, JSON.stringify(t));
  assert.ok(Number(t.refused) >= 1, JSON.stringify(t));
  assert.ok(Number(t['personal data removed']) >= 6, JSON.stringify(t));
  assert.match(t['latency p50'], /ms$/);
  const types = await page.$$eval('#entity-table tbody th', (ths) => ths.map((th) => th.textContent));
  assert.ok(types.includes('EMAIL') && types.includes('PHONE'), types.join(','));
  assert.equal(await page.locator('#chart-requests canvas').count(), 1, 'requests chart drawn');
  assert.equal(await page.locator('#chart-latency canvas').count(), 1, 'latency chart drawn');
  // the dashboard is live: a new request shows up without reloading
  const before = Number(t.requests);
  assert.equal((await chat(`Once more for ${EMAIL}`)).status, 200);
  await page.waitForFunction((n) => {
    const tile = [...document.querySelectorAll('#tiles .tile')].find((x) => x.querySelector('.k').textContent === 'requests');
    return tile && Number(tile.querySelector('.v').textContent) > n;
  }, before, { timeout: 15000 });
  await shot(page, 'admin-dashboard.png', false);

  // try it: what the provider receives has placeholders; the restored answer has the values back
  const recordedBefore = recorded().length;
  await page.fill('#try-prompt', `Please email ${EMAIL} and call ${PHONE} about the invoice.`);
  await page.click('#try-form button[type=submit]');
  await page.getByRole('status').filter({ hasText: 'answered with status 200' }).waitFor();
  const forwarded = await page.textContent('#try-forwarded');
  assert.doesNotMatch(forwarded, EMAIL_RE);
  assert.doesNotMatch(forwarded, /212 555 0100/);
  assert.match(forwarded, /<EMAIL_1>/);
  assert.match(await page.textContent('#try-provider'), /<EMAIL_1>/);
  assert.equal(await page.textContent('#try-restored'), `Please email ${EMAIL} and call ${PHONE} about the invoice.`);
  assert.match(await page.textContent('#try-entities'), /EMAIL 1/);
  if (RECORD) {
    const sent = recorded().slice(recordedBefore);
    assert.match(sent, /<EMAIL_1>/, 'the try-it request reached the mock provider');
    assert.doesNotMatch(sent, EMAIL_RE);
  }
  await page.locator('#try').scrollIntoViewIfNeeded();
  await page.locator('#try').screenshot({ path: path.join(SHOTS, 'admin-try-it.png') });

  // dry run: nothing leaves
  const beforeDry = recorded().length;
  await page.check('#try-dry');
  await page.click('#try-form button[type=submit]');
  await page.getByRole('status').filter({ hasText: 'Dry run done' }).waitFor();
  assert.equal(recorded().length, beforeDry, 'dry run forwarded nothing');
  assert.match(await page.textContent('#try-forwarded'), /<EMAIL_1>/);
  await page.uncheck('#try-dry');

  // keys: create (secret shown once), then revoke
  const tenant = `acme-${Date.now().toString(36)}`;
  await page.fill('#key-tenant', tenant);
  await page.click('#key-form button[type=submit]');
  const created = page.getByRole('status').filter({ hasText: `created for tenant ${tenant}` });
  await created.waitFor();
  const keyId = /Key (vk_\w+) created/.exec(await created.textContent())[1];
  const secret = await page.textContent('#key-secret-value');
  assert.match(secret, /^sk-veil-/);
  assert.equal((await chat('hello', {}, secret)).status, 200, 'the new key works');
  const row = () => page.locator('#keys-table tbody tr', { hasText: keyId });
  assert.match(await row().textContent(), new RegExp(`${tenant}.*active`));
  assert.match(await page.textContent('#tenants-table'), new RegExp(tenant));
  page.once('dialog', (d) => d.accept());
  await row().getByRole('button', { name: `Revoke key ${keyId}` }).click();
  await page.getByRole('status').filter({ hasText: `Key ${keyId} revoked.` }).waitFor();
  assert.match(await row().textContent(), /revoked/);
  assert.equal((await chat('hello', {}, secret)).status, 401, 'the revoked key is refused');

  // audit chain
  await page.click('#audit-verify');
  await page.getByRole('status').filter({ hasText: 'Audit chain intact.' }).waitFor();
  assert.match(await page.textContent('#audit-facts'), /Records checked/);

  // doctor: its findings, or the plain statement that this build has none
  const doctor = await page.textContent('#doctor-status');
  assert.match(doctor, /doctor not available in this build|Overall/);

  // privacy requests of tenant default and consent statistics render
  assert.match(await page.textContent('#consent-table'), /llm-processing/);

  // privacy link for an end user
  await page.fill('#link-user', 'link-user-1');
  await page.click('#link-form button[type=submit]');
  await page.getByRole('status').filter({ hasText: 'Link made' }).waitFor();
  const href = await page.getAttribute('#link-href', 'href');
  assert.match(href, /\/ui\/privacy\/#token=v2\./);
  tokensSeen.push(href.split('#token=')[1]);
  // the token is opaque: no user id or tenant, in the text or base64-decoded
  const tok = href.split('#token=')[1];
  assert.ok(!tok.includes('link-user-1'));
  const decoded = Buffer.from(tok.slice(3), 'base64url').toString('latin1');
  assert.ok(!decoded.includes('link-user-1') && !decoded.includes('default'));

  await shot(page, 'admin-console-full.png');
  await assertAccessible(page, 'the admin console');
  assert.deepEqual(page.problems, [], 'no console errors or CSP violations');

  // log out forgets the token
  await page.click('#logout');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('veil.adminToken')), null);
  await page.context().close();
});

test('admin console renders doctor findings in the shape GET /admin/doctor answers', async () => {
  // doctor is built on another branch; until it is merged this route is stubbed in the browser only, to test
  // the rendering of its agreed shape (the main test above covers the real endpoint, present or not)
  const page = await newPage();
  await page.route('**/admin/doctor', (route) => route.fulfill({
    status: 200, contentType: 'application/json',
    body: JSON.stringify({ status: 'warn', checks: [
      { id: 'tls', status: 'warn', title: 'TLS on non-loopback listeners', message: 'Listening on 0.0.0.0 without TLS',
        fix: 'Set tls.cert and tls.key' },
      { id: 'audit', status: 'ok', title: 'Audit chain verifies', message: '12 records', fix: '' },
      { id: 'admin-token', status: 'fail', title: 'Admin token strength', message: 'Token is short',
        fix: 'Use at least 32 random characters' },
    ] }),
  }));
  await page.goto(`${BASE}/ui/admin/`);
  await page.fill('#token', ADMIN);
  await page.keyboard.press('Enter');
  await page.locator('#doctor-checks li').first().waitFor();
  assert.match(await page.textContent('#doctor-status'), /Overall:\s*warn/);
  const items = await page.$$eval('#doctor-checks li', (lis) => lis.map((li) => li.textContent));
  assert.equal(items.length, 3);
  assert.match(items[0], /warn\s*TLS on non-loopback listeners.*Fix: Set tls\.cert/);
  assert.doesNotMatch(items[1], /Fix:/, 'no fix shown for a passing check');
  assert.match(items[2], /fail\s*Admin token strength/);
  await page.locator('#doctor').screenshot({ path: path.join(SHOTS, 'admin-doctor.png') });
  await page.context().close();
});

test('privacy center: consent, settings, history, download, erasure with receipt', async () => {
  const user = 'erin.privacy@example.org';
  const link = await adminPost('/admin/privacy-links', { tenant: 'default', user, ttl_seconds: 900 });
  tokensSeen.push(link.token);
  assert.equal(link.center_path, `/ui/privacy/#token=${link.token}`);
  assert.ok(!link.token.includes(user) && !Buffer.from(link.token.slice(3), 'base64url').toString('latin1').includes(user));

  // GDPR opt-in: before consent the user's requests are refused and nothing is forwarded
  const mark = recorded().length;
  assert.equal((await chat(`My email is ${EMAIL}`, { 'X-Veil-User': user })).status, 403);
  assert.equal(recorded().length, mark);

  const page = await newPage();
  await page.goto(`${BASE}${link.center_path}`);
  await page.waitForSelector('#center:not(.hidden)');
  assert.equal(await page.evaluate(() => window.location.hash), '', 'the token left the address bar');
  assert.match(await page.textContent('#notice-facts'), /Replaced values kept for\s*\d+ days?/);

  // consent: one click per purpose
  const llm = page.locator('.purpose', { has: page.locator('button[data-purpose="llm-processing"]') });
  assert.match(await llm.textContent(), /not allowed/);
  await page.click('button[data-purpose="llm-processing"]');
  await page.getByRole('status').filter({ hasText: 'Using AI features: you agreed' }).waitFor();
  assert.match(await llm.textContent(), /allowed/);
  assert.doesNotMatch(await llm.textContent(), /not allowed/);
  assert.match(await llm.textContent(), /notice notice-/);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.purpose), 'llm-processing', 'focus kept');

  // now the user's requests go through, with personal data replaced
  const ok = await chat(`My email is ${EMAIL}, phone ${PHONE}.`, { 'X-Veil-User': user });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.choices[0].message.content, `My email is ${EMAIL}, phone ${PHONE}.`);
  assert.doesNotMatch(recorded().slice(mark), EMAIL_RE);

  // history after a reload (the link stays in this tab's sessionStorage)
  await page.reload();
  await page.waitForSelector('#center:not(.hidden)');
  await page.locator('#history-table tbody tr', { hasText: 'EMAIL 1' }).waitFor();
  const history = await page.textContent('#history-table');
  assert.match(history, /gpt-4o-mini/);
  assert.match(history, /PHONE 1/);
  assert.doesNotMatch(history, EMAIL_RE);

  // settings in plain words
  assert.ok(await page.isChecked('input[name=mode][value=pseudonymize]'));
  await page.getByLabel(/Do not send it at all/).check();
  await page.click('#settings-form button[type=submit]');
  await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
  const blocked = await chat(`My email is ${EMAIL}`, { 'X-Veil-User': user });
  assert.equal(blocked.status, 403);
  assert.equal(blocked.json.error.code, 'veil_pii_blocked');
  await shot(page, 'privacy-center.png');
  await assertAccessible(page, 'the Privacy Center');

  // phone-sized screen: nothing wider than the viewport
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(200);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `horizontal overflow on a phone screen: ${overflow}px`);
  await shot(page, 'privacy-center-phone.png', false);
  await assertAccessible(page, 'the Privacy Center on a phone-sized screen');
  await page.setViewportSize({ width: 1280, height: 900 });

  // download my data
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  assert.equal(download.suggestedFilename(), 'my-data.json');
  const exported = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  assert.ok(Array.isArray(exported.audit_records) && exported.audit_records.length >= 1, 'export holds the history');
  await page.getByRole('status').filter({ hasText: 'Downloaded my-data.json' }).waitFor();

  // erase: a confirmation dialog first; cancel changes nothing
  await page.click('#erase');
  assert.ok(await page.isVisible('#erase-dialog'));
  await page.click('#erase-cancel');
  assert.ok(await page.isHidden('#receipt'));
  await page.click('#erase');
  await page.click('#erase-confirm');
  await page.getByRole('status').filter({ hasText: 'Your data was erased.' }).waitFor();
  const receipt = await page.textContent('#receipt-facts');
  assert.match(receipt, /Your key destroyed\s*yes/);
  assert.match(receipt, /completed/);
  const json = JSON.parse(await page.textContent('#receipt-json'));
  assert.ok(json.receipt.signature.length > 20 && json.public_keyset.length > 20, 'signed receipt shown');
  assert.match(await page.textContent('#history-table'), /Nothing recorded about you/);
  assert.match(await page.locator('.purpose', { has: page.locator('button[data-purpose="llm-processing"]') })
    .textContent(), /not allowed/, 'consent deleted with the rest');
  assert.match(await page.textContent('#requests-table'), /Erasure\s*completed/);
  await shot(page, 'privacy-center-erased.png');
  assert.deepEqual(page.problems, [], 'no console errors or CSP violations');

  // after erasure the user is a stranger again: refused under GDPR
  assert.equal((await chat(`My email is ${EMAIL}`, { 'X-Veil-User': user })).status, 403);
  await page.context().close();
});

/** A logged-in admin console showing tenant default's privacy request queue. */
async function openRequestQueue() {
  const page = await newPage();
  await page.goto(`${BASE}/ui/admin/`);
  await page.fill('#token', ADMIN);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#tiles .tile');
  await page.selectOption('#req-tenant', 'default');
  return page;
}

test('admin console: the privacy request queue lists requests with due dates and overdue flags', async () => {
  const page = await openRequestQueue();
  await page.selectOption('#req-filter', 'all');
  // the open queue (shown first) is empty: wait for the "all" answer to be rendered
  await page.locator('#req-table tbody tr', { hasText: 'erasure' }).first().waitFor();
  const rows = await page.$$eval('#req-table tbody tr', (trs) => trs.map((tr) => tr.textContent));
  assert.ok(rows.some((r) => /^erasure\s*completed/.test(r) && /on time/.test(r)), rows.join('\n'));
  assert.ok(rows.some((r) => /^access\s*completed/.test(r)), rows.join('\n'));
  assert.doesNotMatch(rows.join('\n'), /erin\.privacy/, 'the queue shows pseudonymous ids, not user ids');
  await page.locator('#requests').screenshot({ path: path.join(SHOTS, 'admin-privacy-requests.png') });
  await page.selectOption('#req-filter', 'overdue');
  await page.locator('#req-table tbody tr', { hasText: 'No requests.' }).waitFor();
  assert.match(await page.textContent('#req-status'), /^0 request\(s\)/);
  await assertAccessible(page, 'the admin console with the request queue');
  await page.context().close();
});

test('admin console: a late answer to an older queue choice does not overwrite the current one', async () => {
  const page = await openRequestQueue();
  // hold back the answer for the open queue (no all/overdue parameter) until the "all" answer is shown
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const isOpenQueue = (url) => /\/admin\/privacy-requests\?tenant=default$/.test(url);
  await page.route((url) => isOpenQueue(url.toString()), async (route) => { await held; await route.continue(); });
  await page.click('#req-refresh'); // asks for the open queue: held
  await page.selectOption('#req-filter', 'all');
  await page.locator('#req-table tbody tr', { hasText: 'erasure' }).first().waitFor();
  const late = page.waitForResponse((r) => isOpenQueue(r.url()));
  release();
  await late;
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300))); // let the late answer be handled
  const rows = await page.$$eval('#req-table tbody tr', (trs) => trs.map((tr) => tr.textContent));
  assert.ok(rows.some((r) => /^erasure/.test(r)), 'the open queue\'s late answer replaced the "all" table: ' + rows.join('\n'));
  await page.context().close();
});

test('privacy center: a tampered or missing link is refused plainly', async () => {
  const page = await newPage();
  // an old signed v1 link (tenant and user in base64) is refused like a forgery
  await page.goto(`${BASE}/ui/privacy/#token=v1.ZGVmYXVsdApib2IKOTk5OTk5OTk5OQ.AAAAAAAAAAAAAAAAAAAAAA`);
  await page.getByRole('alert').filter({ hasText: 'invalid or has expired' }).waitFor();
  assert.ok(await page.isHidden('#center'));
  assert.equal(await page.evaluate(() => sessionStorage.getItem('veil.privacyLink')), null, 'bad link forgotten');
  await page.goto(`${BASE}/ui/privacy/`);
  await page.getByRole('heading', { name: 'Open this page through your link' }).waitFor();
  await page.context().close();
});

test('no link token reaches the gateway log', () => {
  if (!SERVE_LOG) return;
  const log = fs.readFileSync(SERVE_LOG, 'utf8');
  assert.ok(tokensSeen.length >= 2);
  for (const t of tokensSeen) {
    assert.ok(!log.includes(t), 'a privacy-link token is in the gateway log');
  }
  assert.ok(!log.includes(EMAIL), 'an e-mail address is in the gateway log');
});
