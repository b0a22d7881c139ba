// Shared helpers of the admin console and the Privacy Center. DOM is built with textContent only (never
// innerHTML), so nothing the server returns can become markup.

/** Creates an element: el('td', {class: 'num'}, 'text', childNode, ...). Attributes starting with 'on' are listeners. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export const $ = (sel, root = document) => root.querySelector(sel);

/** Replaces the children of a node. */
export function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

/** An error from the API, with its HTTP status and the envelope's code. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * Calls the gateway's JSON API. `auth` is a map of headers (the admin token or the privacy link), never a URL
 * parameter, so secrets stay out of URLs, logs and Referer headers.
 */
export async function api(path, { method = 'GET', body, auth = {}, raw = false } = {}) {
  const headers = { ...auth };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer',
    });
  } catch (e) {
    throw new ApiError(0, 'network', 'The gateway cannot be reached.');
  }
  if (raw && res.ok) return res;
  let json = null;
  try {
    json = await res.json();
  } catch (e) {
    json = null;
  }
  if (!res.ok) {
    const err = json && json.error ? json.error : {};
    const e = new ApiError(res.status, err.code || '', err.message || `HTTP ${res.status}`);
    e.body = json;
    throw e;
  }
  return json;
}

/** Shows a message in a live region (role=status or alert set in the HTML). */
export function say(node, message, kind = '') {
  node.className = 'status' + (kind ? ' ' + kind : '');
  node.textContent = message;
}

export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString();
}

export function fmtDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleDateString();
}

/** "EMAIL 2, PERSON 1" from {EMAIL: 2, PERSON: 1}; "none" when empty. */
export function fmtCounts(counts) {
  const parts = Object.entries(counts || {}).map(([t, n]) => `${t} ${n}`);
  return parts.length ? parts.join(', ') : 'none';
}

export function badge(kind, text) {
  return el('span', { class: 'badge ' + kind }, text);
}

/** Saves bytes as a file download (no navigation, so no Referer and no URL with a secret). */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name, class: 'hidden' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
