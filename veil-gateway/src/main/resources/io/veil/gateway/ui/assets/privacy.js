// Privacy Center: opened through a signed, short-lived link whose token is in the URL *fragment*
// (#token=...). Browsers never send a fragment to a server, so the token is in no access log and no Referer;
// the page moves it into sessionStorage (this tab only) and removes it from the address bar, then sends it
// to the privacy API in the X-Veil-Privacy-Link header.
import { $, el, fill, api, say, fmtTime, fmtDate, fmtCounts, badge, download, ApiError } from './common.js';

const LINK_KEY = 'veil.privacyLink';

function takeTokenFromFragment() {
  const m = /^#token=([A-Za-z0-9._~-]+)$/.exec(window.location.hash);
  if (m) {
    sessionStorage.setItem(LINK_KEY, m[1]);
    history.replaceState(null, '', window.location.pathname);
  }
  return sessionStorage.getItem(LINK_KEY);
}

const link = takeTokenFromFragment();
const auth = () => ({ 'X-Veil-Privacy-Link': link });
const privacyApi = (path, opts = {}) => api(path, { ...opts, auth: auth() });

const PURPOSES = {
  'llm-processing': ['Using AI features',
    'Your messages (with personal data replaced) are sent to the AI provider to answer you. Without this, AI requests made for you are not sent.'],
  logging: ['Keeping records of your requests',
    'A record of each request — when, which model, how many values of which kind were removed — is kept, linked to a pseudonym of you.'],
  analytics: ['Usage statistics', 'Your requests may be counted in aggregate statistics about how the service is used.'],
  'sale-sharing': ['Sharing with third parties', 'Your data may be shared with or sold to third parties, where the service does so.'],
};
const ACTIONS = {
  pseudonymized: 'Message sent, personal data replaced', anonymized: 'Message sent, personal data removed for good',
  forwarded: 'Message sent (no personal data found)', blocked: 'Message refused (contained personal data)',
  consent_refused: 'Message refused (no consent)', refused: 'Message refused', privacy_change: 'Privacy choice changed',
  subject_export: 'Your data downloaded', subject_erasure: 'Your data erased', admin: 'Administrative action',
};

let notice = null;

function fail(e) {
  if (e instanceof ApiError && e.status === 401) {
    sessionStorage.removeItem(LINK_KEY);
    $('#center').classList.add('hidden');
    $('#no-link').classList.remove('hidden');
    say($('#page-status'), 'This link is invalid or has expired. Ask the service you use for a new one.', 'error');
  } else {
    say($('#page-status'), e.message, 'error');
  }
}

async function loadNotice() {
  notice = await api('/privacy/notice.json');
  $('#notice-version').textContent = notice.version;
  const removed = notice.personal_data_removed.map((r) => r.type.replaceAll('_', ' ').toLowerCase());
  fill($('#notice-facts'),
    el('dt', {}, 'The AI provider'), el('dd', {}, notice.provider.base_url),
    el('dt', {}, 'What it receives'), el('dd', {}, notice.provider.receives),
    el('dt', {}, 'Personal data replaced'), el('dd', {}, removed.join(', ')),
    el('dt', {}, 'Replaced values kept for'), el('dd', {}, notice.retention.vault_entries || ''),
    el('dt', {}, 'Records kept for'), el('dd', {}, notice.retention.audit_records || ''));
}

async function loadConsent() {
  const c = await privacyApi('/privacy/consent');
  $('#consent-model').textContent = c.profile === 'gdpr'
    ? 'Nothing is done with your data for a purpose until you agree to it. You can change your mind at any time.'
    : 'You can say no to any purpose at any time; your browser\'s Global Privacy Control signal is honoured.';
  fill($('#purposes'), Object.entries(c.purposes).map(([p, st]) => {
    const [title, text] = PURPOSES[p] || [p, ''];
    const id = `purpose-${p}`;
    const d = st.decision;
    const state = st.effective ? badge('ok', 'allowed') : badge('fail', 'not allowed');
    const detail = d ? `${d.granted ? 'You agreed' : 'You said no'} on ${fmtTime(d.decided_at)} (notice ${d.notice_version}).`
      : c.profile === 'gdpr' ? 'You have not decided yet.' : 'Allowed until you say no.';
    return el('div', { class: 'purpose', role: 'group', 'aria-labelledby': id },
      el('h3', { id }, title, ' ', state),
      el('p', {}, text, ' ', el('span', { class: 'muted' }, detail)),
      el('div', { class: 'actions' }, el('button', {
        type: 'button', class: st.effective ? 'secondary' : '', 'data-purpose': p,
        'aria-label': `${st.effective ? 'Withdraw' : 'Agree'}: ${title}`,
        onclick: () => setConsent(p, !st.effective, title),
      }, st.effective ? 'Withdraw' : 'Agree')));
  }));
}

async function setConsent(purpose, granted, title) {
  try {
    await privacyApi('/privacy/consent', { method: 'POST',
      body: { purpose, granted, notice_version: notice ? notice.version : undefined } });
    await Promise.all([loadConsent(), loadHistory()]);
    say($('#consent-status'), `${title}: ${granted ? 'you agreed' : 'you said no'}.`, 'success');
    const btn = $(`button[data-purpose="${purpose}"]`);
    if (btn) btn.focus();
  } catch (e) {
    fail(e);
  }
}

async function loadSettings() {
  const s = await privacyApi('/privacy/settings');
  for (const r of document.querySelectorAll('#settings-form input[type=radio]')) {
    r.checked = s[r.name] === r.value;
  }
}

$('#settings-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.currentTarget);
  try {
    await privacyApi('/privacy/settings', { method: 'PUT', body: { mode: form.get('mode'), logging: form.get('logging') } });
    await loadHistory();
    say($('#settings-status'), 'Settings saved.', 'success');
  } catch (e) {
    fail(e);
  }
});

async function loadHistory() {
  const h = await privacyApi('/privacy/history?limit=50');
  fill($('#history-table tbody'), h.data.length ? h.data.map((r) => el('tr', {},
    el('td', {}, fmtTime(r.time)), el('td', {}, ACTIONS[r.action] || r.action),
    el('td', {}, r.model || '–'), el('td', {}, fmtCounts(r.entities))))
    : el('tr', {}, el('td', { colspan: 4 }, 'Nothing recorded about you.')));
}

async function loadRequests() {
  const r = await privacyApi('/privacy/requests');
  fill($('#requests-table tbody'), r.data.length ? r.data.map((q) => el('tr', {},
    el('td', {}, q.kind === 'access' ? 'Download' : q.kind === 'erasure' ? 'Erasure' : q.kind),
    el('td', {}, q.status, q.overdue ? [' ', badge('fail', 'overdue')] : ''),
    el('td', {}, fmtTime(q.received_at)), el('td', {}, fmtDate(q.due_at))))
    : el('tr', {}, el('td', { colspan: 4 }, 'No requests yet.')));
}

$('#export').addEventListener('click', async () => {
  say($('#data-status'), 'Preparing your data…');
  try {
    const res = await privacyApi('/privacy/export', { raw: true });
    const blob = await res.blob();
    download(blob, 'my-data.json');
    await loadRequests();
    say($('#data-status'), `Downloaded my-data.json (${Math.ceil(blob.size / 1024)} KB).`, 'success');
  } catch (e) {
    fail(e);
  }
});

$('#erase').addEventListener('click', () => $('#erase-dialog').showModal());
$('#erase-dialog').addEventListener('close', async () => {
  if ($('#erase-dialog').returnValue !== 'erase') {
    $('#erase').focus();
    return;
  }
  say($('#data-status'), 'Erasing…');
  try {
    const r = await privacyApi('/privacy/erase', { method: 'POST' });
    const rc = r.receipt;
    fill($('#receipt-facts'),
      el('dt', {}, 'Receipt'), el('dd', {}, el('code', {}, rc.receipt_id)),
      el('dt', {}, 'Erased at'), el('dd', {}, fmtTime(rc.erased_at)),
      el('dt', {}, 'Your key destroyed'), el('dd', {}, rc.subject_key_destroyed ? 'yes' : 'there was none'),
      el('dt', {}, 'Stored values deleted'), el('dd', {}, rc.vault_entries_deleted),
      el('dt', {}, 'History records unlinked'), el('dd', {}, rc.audit_records_unlinked),
      el('dt', {}, 'Consent records deleted'), el('dd', {}, rc.consent_records_deleted),
      el('dt', {}, 'Request'), el('dd', {}, `${r.request.status} (${r.request.id})`));
    $('#receipt-json').textContent = JSON.stringify({ receipt: rc, public_keyset: r.public_keyset }, null, 2);
    $('#receipt').classList.remove('hidden');
    await Promise.all([loadConsent(), loadSettings(), loadHistory(), loadRequests()]);
    say($('#data-status'), 'Your data was erased. The signed receipt is below.', 'success');
    $('#receipt').querySelector('h3').setAttribute('tabindex', '-1');
    $('#receipt').querySelector('h3').focus();
  } catch (e) {
    fail(e);
  }
});

async function main() {
  if (!link) {
    $('#no-link').classList.remove('hidden');
    return;
  }
  try {
    await loadNotice();
    await loadConsent();
    $('#center').classList.remove('hidden');
    await Promise.all([loadSettings(), loadHistory(), loadRequests()]);
  } catch (e) {
    fail(e);
  }
}

main();
