// Shared set-up of the Node e2e tests: the client under test and the mock's record file.
import { readFileSync, existsSync } from 'node:fs';
import OpenAI from 'openai';

export const BASE_URL = process.env.VEIL_BASE_URL;       // e.g. http://127.0.0.1:8080 (without /v1)
export const API_KEY = process.env.VEIL_API_KEY;
export const TARGET = process.env.VEIL_TARGET ?? 'veil';  // 'veil' (the gateway) or 'mock' (the mock LLM itself)
export const RECORD_FILE = process.env.MOCK_RECORD_FILE;  // the mock's --record file
export const MODEL = 'gpt-4o-mini';
export const TOOL = 'save_contact';

if (!BASE_URL || !API_KEY) {
  throw new Error('set VEIL_BASE_URL and VEIL_API_KEY (NodeSdkIT does this)');
}

export function client(apiKey = API_KEY) {
  return new OpenAI({ baseURL: `${BASE_URL}/v1`, apiKey, maxRetries: 0, timeout: 60_000 });
}

/** The request bodies the mock recorded from line `mark` on. */
export function recorded(mark) {
  if (!RECORD_FILE || !existsSync(RECORD_FILE)) return [];
  return readFileSync(RECORD_FILE, 'utf8').split('\n').filter(Boolean).slice(mark).map((l) => JSON.parse(l));
}

export function mark() {
  return recorded(0).length;
}

/** Every string inside a JSON value, also inside JSON carried in strings (tool arguments). */
function strings(node, out = []) {
  if (typeof node === 'string') {
    out.push(node);
    const t = node.trim();
    if (t.startsWith('{') || t.startsWith('[')) {
      try { strings(JSON.parse(t), out); } catch { /* plain text */ }
    }
  } else if (Array.isArray(node)) {
    node.forEach((n) => strings(n, out));
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) { out.push(k); strings(v, out); }
  }
  return out;
}

/** The values that occur in any recorded body. */
export function leaks(bodies, values) {
  const all = bodies.flatMap((b) => strings(b));
  return values.filter((v) => all.some((s) => s.includes(v)));
}

export const toolDef = {
  type: 'function',
  function: {
    name: TOOL,
    description: 'Saves the contact details found in a text.',
    parameters: { type: 'object', properties: { text: { type: 'string' } } },
  },
};
