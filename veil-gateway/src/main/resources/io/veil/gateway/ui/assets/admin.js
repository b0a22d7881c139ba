// Admin console: logs in with the admin token (kept in sessionStorage: this tab only, gone when it closes) and
// calls the gateway's /admin API with it as a Bearer header.
import { $, el, fill, api, say, fmtTime, fmtCounts, badge, ApiError } from './common.js';
import { LineChart } from './charts.js';

const TOKEN_KEY = 'veil.adminToken';
const REFRESH_MS = 5000;
let token = sessionStorage.getItem(TOKEN_KEY);
let timer = null;
let paused = false;
let keysCache = [];
let policiesCache = [];
const charts = {};

const auth = () => ({ Authorization: 'Bearer ' + token });
const adminApi = (path, opts = {}) => api(path, { ...opts, auth: auth() });

function loggedOut(message) {
  token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  clearInterval(timer);
  $('#console').classList.add('hidden');
  $('#logout').classList.add('hidden');
  $('#login-section').classList.remove('hidden');
  say($('#login-status'), message || '', message ? 'error' : '');
  $('#token').focus();
}

/** Runs an admin call; a 401 means the token is wrong or was changed: back to the login form. */
async function guarded(fn, statusNode) {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      loggedOut('The admin token was not accepted. Log in again.');
    } else if (statusNode) {
      say(statusNode, e.message, 'error');
    }
    return undefined;
  }
}

// ------------------------------------------------------------------ login

$('#login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  token = $('#token').value.trim();
  if (!token) return;
  try {
    await adminApi('/admin/dashboard');
  } catch (e) {
    loggedOut(e instanceof ApiError && e.status === 401 ? 'Wrong admin token.' : e.message);
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  $('#token').value = '';
  start();
});

$('#logout').addEventListener('click', () => loggedOut('Logged out.'));

async function start() {
  $('#login-section').classList.add('hidden');
  $('#console').classList.remove('hidden');
  $('#logout').classList.remove('hidden');
  charts.requests = new LineChart($('#chart-requests'), ['answered', 'blocked', 'refused'], { yLabel: 'requests' });
  charts.entities = new LineChart($('#chart-entities'), ['none'], { yLabel: 'values' });
  charts.latency = new LineChart($('#chart-latency'), ['p50', 'p90', 'p99'], { yLabel: 'ms' });
  charts.upstream = new LineChart($('#chart-upstream'), ['upstream errors'], { yLabel: 'errors' });
  $('#main').focus();
  await Promise.all([refreshDashboard(), loadKeysAndPolicies()]);
  await Promise.all([loadRequests(), loadConsent(), loadDoctor()]);
  timer = setInterval(() => { if (!paused && !document.hidden) refreshDashboard(); }, REFRESH_MS);
}

// ------------------------------------------------------------------ dashboard

$('#dash-pause').addEventListener('click', (ev) => {
  paused = !paused;
  ev.currentTarget.setAttribute('aria-pressed', String(paused));
  ev.currentTarget.textContent = paused ? 'Resume live updates' : 'Pause live updates';
});

function tile(k, v) {
  return el('div', { class: 'tile' }, el('div', { class: 'v' }, v), el('div', { class: 'k' }, k));
}

async function refreshDashboard() {
  const d = await guarded(() => adminApi('/admin/dashboard'), $('#dash-updated'));
  if (!d) return;
  const t = d.totals;
  const entTotal = Object.values(t.entities).reduce((a, b) => a + b, 0);
  const ms = (v) => (v === null || v === undefined ? '–' : `${v} ms`);
  fill($('#tiles'),
    tile('requests', t.requests), tile('personal data removed', entTotal), tile('blocked (privacy)', t.blocked),
    tile('refused', t.refused), tile('upstream errors', t.upstream_errors),
    tile('latency p50', ms(t.latency_ms.p50)), tile('latency p99', ms(t.latency_ms.p99)));
  const xs = d.minutes;
  const answered = d.requests.map((n, i) => Math.max(0, n - d.blocked[i] - d.refused[i] - d.upstream_errors[i]));
  charts.requests.update(xs, [answered, d.blocked, d.refused]);
  const types = Object.keys(d.entities);
  if (types.length) charts.entities.update(xs, types.map((ty) => d.entities[ty]), types);
  else charts.entities.update(xs, [xs.map(() => 0)], ['none']);
  charts.latency.update(xs, [d.latency_ms.p50, d.latency_ms.p90, d.latency_ms.p99]);
  charts.upstream.update(xs, [d.upstream_errors]);
  fill($('#entity-table tbody'), types.length
    ? Object.entries(t.entities).sort((a, b) => b[1] - a[1]).map(([ty, n]) =>
      el('tr', {}, el('th', { scope: 'row' }, ty), el('td', { class: 'num' }, n)))
    : el('tr', {}, el('td', { colspan: 2 }, 'No personal data removed in the last hour.')));
  $('#dash-updated').textContent = `Updated ${new Date().toLocaleTimeString()} · ${d.audit_records} audit records in total`
    + (paused ? ' · paused' : ` · refreshes every ${REFRESH_MS / 1000} s`);
}

// ------------------------------------------------------------------ keys, tenants, policies

async function loadKeysAndPolicies() {
  const [keys, policies] = await Promise.all([
    guarded(() => adminApi('/admin/keys'), $('#key-status')),
    guarded(() => adminApi('/admin/policies'), $('#key-status')),
  ]);
  if (!keys || !policies) return;
  keysCache = keys.data;
  policiesCache = policies.data;
  for (const sel of [$('#key-policy'), $('#try-policy')]) {
    const cur = sel.value;
    fill(sel, policiesCache.map((p) => el('option', { value: p.name, selected: p.name === (cur || 'default') }, p.name)));
  }
  fill($('#keys-table tbody'), keysCache.map((k) => el('tr', {},
    el('td', {}, el('code', {}, k.id)), el('td', {}, k.tenant), el('td', {}, k.policy),
    el('td', { class: 'num' }, k.rate_per_minute || 'no limit'), el('td', {}, fmtTime(k.created_at)),
    el('td', {}, k.revoked ? badge('fail', 'revoked') : badge('ok', 'active')),
    el('td', {}, k.revoked ? '' : el('button', {
      type: 'button', class: 'secondary', 'aria-label': `Revoke key ${k.id}`,
      onclick: () => revokeKey(k.id),
    }, 'Revoke')))));
  const tenants = new Map();
  for (const k of keysCache) {
    const t = tenants.get(k.tenant) || { active: 0, policies: new Set() };
    if (!k.revoked) t.active++;
    t.policies.add(k.policy);
    tenants.set(k.tenant, t);
  }
  if (!tenants.has('default')) tenants.set('default', { active: 0, policies: new Set() });
  fill($('#tenants-table tbody'), [...tenants.entries()].sort().map(([name, t]) => el('tr', {},
    el('th', { scope: 'row' }, name), el('td', { class: 'num' }, t.active), el('td', {}, [...t.policies].join(', ')))));
  fill($('#policies-table tbody'), policiesCache.map((p) => el('tr', {},
    el('th', { scope: 'row' }, p.name), el('td', {}, p.profile.toUpperCase()),
    el('td', {}, p.required_purposes.join(', ') || 'none'), el('td', {}, p.require_identity ? 'yes' : 'no'),
    el('td', {}, p.force_store_false ? 'forced' : 'no'), el('td', { class: 'num' }, `${Math.round(p.max_body_bytes / 1024)} KiB`),
    el('td', { class: 'num' }, p.keys), el('td', {}, el('code', {}, p.version)))));
  const reqSel = $('#req-tenant');
  const cur = reqSel.value || 'default';
  fill(reqSel, [...tenants.keys()].sort().map((t) => el('option', { value: t, selected: t === cur }, t)));
}

async function revokeKey(id) {
  if (!window.confirm(`Revoke key ${id}? Clients using it are refused from now on.`)) return;
  const r = await guarded(() => adminApi(`/admin/keys/${encodeURIComponent(id)}/revoke`, { method: 'POST' }), $('#key-status'));
  if (r) {
    await loadKeysAndPolicies();
    say($('#key-status'), `Key ${id} revoked.`, 'success');
  }
}

$('#key-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const body = { tenant: $('#key-tenant').value.trim(), policy: $('#key-policy').value,
    rate_per_minute: Number($('#key-rate').value || 0) };
  const k = await guarded(() => adminApi('/admin/keys', { method: 'POST', body }), $('#key-status'));
  if (!k) return;
  $('#key-secret-value').textContent = k.secret;
  $('#key-secret').classList.remove('hidden');
  await loadKeysAndPolicies();
  say($('#key-status'), `Key ${k.id} created for tenant ${k.tenant}.`, 'success');
});

// ------------------------------------------------------------------ try it

$('#try-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const body = { prompt: $('#try-prompt').value, model: $('#try-model').value.trim(),
    policy: $('#try-policy').value || 'default', dry_run: $('#try-dry').checked };
  say($('#try-status'), 'Running…');
  const r = await guarded(() => adminApi('/admin/try', { method: 'POST', body }), $('#try-status'));
  if (!r) return;
  $('#try-upstream').textContent = r.upstream;
  $('#try-entities').textContent = fmtCounts(r.entities);
  $('#try-forwarded').textContent = JSON.stringify(r.forwarded, null, 2);
  $('#try-provider').textContent = r.dry_run ? 'Dry run: nothing was sent.' : JSON.stringify(r.provider_answer, null, 2);
  $('#try-restored').textContent = r.dry_run ? 'Dry run: no answer.'
    : r.restored_answer ?? (r.error ? `Error ${r.status}: ${r.error.message}` : '(no text in the answer)');
  $('#try-result').classList.remove('hidden');
  say($('#try-status'), r.dry_run ? 'Dry run done: nothing left the gateway.'
    : `Sent to ${r.upstream}; answered with status ${r.status}.`, r.status < 300 ? 'success' : 'error');
});

// ------------------------------------------------------------------ privacy requests and consent

$('#req-refresh').addEventListener('click', () => { loadRequests(); loadConsent(); });
$('#req-tenant').addEventListener('change', () => { loadRequests(); loadConsent(); });
$('#req-filter').addEventListener('change', () => loadRequests());

// Each loader numbers its calls and renders only the answer to the latest one: answers can arrive out of
// order (tenant and filter changed in quick succession), and a late answer to an older choice must not
// overwrite the table of the current one.
let requestsCall = 0;
let consentCall = 0;

async function loadRequests() {
  const call = ++requestsCall;
  const tenant = $('#req-tenant').value || 'default';
  const filter = $('#req-filter').value;
  const q = filter === 'all' ? '&all=true' : filter === 'overdue' ? '&overdue=true' : '';
  const r = await guarded(() => adminApi(`/admin/privacy-requests?tenant=${encodeURIComponent(tenant)}${q}`), $('#req-status'));
  if (!r || call !== requestsCall) return;
  say($('#req-status'), `${r.data.length} request(s) for tenant ${tenant}.`);
  fill($('#req-table tbody'), r.data.length ? r.data.map((p) => el('tr', {},
    el('td', {}, p.kind), el('td', {}, p.status), el('td', {}, fmtTime(p.received_at)), el('td', {}, fmtTime(p.due_at)),
    el('td', {}, p.overdue ? badge('fail', 'overdue') : badge('ok', 'on time')),
    el('td', {}, el('code', {}, p.id)),
    el('td', {}, p.status === 'received' ? [
      el('button', { type: 'button', class: 'secondary', 'aria-label': `Verified: request ${p.id}`,
        onclick: () => requestAction(p.id, 'verify') }, 'Verified'), ' ',
      el('button', { type: 'button', class: 'secondary', 'aria-label': `Deny: request ${p.id}`,
        onclick: () => requestAction(p.id, 'deny') }, 'Deny'),
    ] : '')))
    : el('tr', {}, el('td', { colspan: 7 }, 'No requests.')));
}

async function requestAction(id, action) {
  let body;
  if (action === 'deny') {
    const reason = window.prompt('Reason: identity-not-verified, manifestly-unfounded, excessive or legal-exemption',
      'identity-not-verified');
    if (!reason) return;
    body = { reason: reason.trim() };
  }
  const r = await guarded(() => adminApi(`/admin/privacy-requests/${encodeURIComponent(id)}/${action}`,
    { method: 'POST', body }), $('#req-status'));
  if (r) {
    await loadRequests();
    say($('#req-status'), `Request ${id}: ${r.status}.`, 'success');
  }
}

async function loadConsent() {
  const call = ++consentCall;
  const tenant = $('#req-tenant').value || 'default';
  const r = await guarded(() => adminApi(`/admin/consent/stats?tenant=${encodeURIComponent(tenant)}`));
  if (!r || call !== consentCall) return;
  $('#consent-caption').textContent = `Consent of tenant ${tenant}`;
  fill($('#consent-table tbody'), Object.entries(r.purposes).map(([p, c]) => el('tr', {},
    el('th', { scope: 'row' }, p), el('td', { class: 'num' }, c.granted), el('td', { class: 'num' }, c.withdrawn))));
}

// ------------------------------------------------------------------ audit

$('#audit-verify').addEventListener('click', async () => {
  say($('#audit-status'), 'Verifying…');
  let v;
  try {
    v = await adminApi('/admin/audit/verify');
  } catch (e) {
    if (e instanceof ApiError && e.status === 409 && e.body) {
      say($('#audit-status'), `Audit chain BROKEN at record #${e.body.first_bad_seq}: ${e.body.problem}`, 'error');
      return;
    }
    if (e instanceof ApiError && e.status === 401) return loggedOut('The admin token was not accepted. Log in again.');
    say($('#audit-status'), e.message, 'error');
    return;
  }
  say($('#audit-status'), 'Audit chain intact.', 'success');
  fill($('#audit-facts'),
    el('dt', {}, 'Records checked'), el('dd', {}, v.records_checked),
    el('dt', {}, 'Signed checkpoints checked'), el('dd', {}, v.checkpoints_checked),
    el('dt', {}, 'Newest record under a signature'), el('dd', {}, v.last_signed_seq ? `#${v.last_signed_seq}` : 'none yet'),
    el('dt', {}, 'Verified at'), el('dd', {}, new Date().toLocaleString()));
});

// ------------------------------------------------------------------ doctor

$('#doctor-run').addEventListener('click', () => loadDoctor());

const DOCTOR_BADGE = { ok: 'ok', warn: 'warn', fail: 'fail' };

async function loadDoctor() {
  say($('#doctor-status'), 'Checking…');
  let d;
  try {
    d = await adminApi('/admin/doctor');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      say($('#doctor-status'), 'doctor not available in this build');
      fill($('#doctor-checks'));
      $('#doctor-run').classList.add('hidden');
      return;
    }
    if (e instanceof ApiError && e.status === 401) return loggedOut('The admin token was not accepted. Log in again.');
    say($('#doctor-status'), e.message, 'error');
    return;
  }
  const status = DOCTOR_BADGE[d.status] || 'warn';
  fill($('#doctor-status'), 'Overall: ', badge(status, d.status));
  fill($('#doctor-checks'), (d.checks || []).map((c) => el('li', {},
    badge(DOCTOR_BADGE[c.status] || 'warn', c.status), ' ', el('strong', {}, c.title || c.id),
    c.message ? el('div', {}, c.message) : null,
    c.fix && c.status !== 'ok' ? el('div', { class: 'muted' }, 'Fix: ', c.fix) : null)));
}

// ------------------------------------------------------------------ privacy links

$('#link-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const ttl = Math.max(1, Number($('#link-ttl').value || 15)) * 60;
  const body = { tenant: $('#link-tenant').value.trim(), user: $('#link-user').value.trim(), ttl_seconds: ttl };
  const r = await guarded(() => adminApi('/admin/privacy-links', { method: 'POST', body }), $('#link-status'));
  if (!r) return;
  const url = new URL(r.center_path, window.location.origin).toString();
  $('#link-href').setAttribute('href', url);
  $('#link-href').textContent = url;
  $('#link-expiry').textContent = ` (valid ${Math.round(r.expires_in / 60)} min)`;
  $('#link-out').classList.remove('hidden');
  say($('#link-status'), 'Link made. Give it only to that user.', 'success');
});

if (token) {
  adminApi('/admin/dashboard').then(() => start(), () => loggedOut());
}
