// Labelled texts from the shared data through Veil with the Node SDK: the client gets its text back, whole and
// streamed, and no labelled value of a structured type reaches the provider. The cases file is written by
// NodeSdkIT (VEIL_PII_CASES); without it (data absent, or the mock as target) these tests are skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { client, TARGET, MODEL, mark, recorded, leaks } from './common.mjs';

const CASES_FILE = process.env.VEIL_PII_CASES;
const skip = TARGET !== 'veil' ? 'PII checks need the gateway in front of the mock'
  : !CASES_FILE ? 'VEIL_PII_CASES not set (shared data absent)' : false;
const cases = skip ? [] : JSON.parse(readFileSync(CASES_FILE, 'utf8'));
const openai = skip ? null : client();

function assertNoLeaks(start) {
  const bodies = recorded(start);
  const leaked = {};
  for (const c of cases) {
    const l = leaks(bodies, c.structuredValues);
    if (l.length) leaked[c.id] = l;
  }
  assert.deepEqual(leaked, {}, 'structured values (by example id) reached the provider');
}

test('labelled texts round-trip through chat completions', { skip }, async () => {
  const start = mark();
  for (const c of cases) {
    const r = await openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: c.text }] });
    assert.equal(r.choices[0].message.content, c.text, `answer for ${c.id}`);
  }
  assertNoLeaks(start);
});

test('labelled texts round-trip through streamed chat completions', { skip }, async () => {
  const start = mark();
  for (const c of cases) {
    const stream = await openai.chat.completions.create({
      model: MODEL, messages: [{ role: 'user', content: c.text }], stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    assert.equal(text, c.text, `streamed answer for ${c.id}`);
  }
  assertNoLeaks(start);
});
