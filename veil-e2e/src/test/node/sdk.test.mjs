// The official OpenAI Node SDK against the stack: the answer is always the client's own text, whole or streamed,
// also inside streamed tool arguments; through Veil, none of the sample's personal values reaches the provider.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { client, TARGET, MODEL, TOOL, toolDef, mark, recorded, leaks } from './common.mjs';

const SAMPLE = 'Please update the file of Maria Keller: email maria.keller@example.org, '
  + 'phone +1 (415) 555-0137, card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, '
  + 'SSN 078-05-1120. Thanks!';
const SAMPLE_VALUES = ['maria.keller@example.org', '(415) 555-0137', '4111 1111 1111 1111',
  'DE89 3704 0044 0532 0130 00', '078-05-1120'];

const openai = client();
let start;

beforeEach(() => { start = mark(); });
afterEach(() => {
  if (TARGET === 'veil') {
    assert.deepEqual(leaks(recorded(start), SAMPLE_VALUES), [], 'personal values reached the provider');
  }
});

const messages = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: SAMPLE },
];

test('chat completion answers with the user message', async () => {
  const c = await openai.chat.completions.create({ model: MODEL, messages });
  assert.equal(c.object, 'chat.completion');
  assert.equal(c.choices[0].message.content, SAMPLE);
  assert.equal(c.choices[0].finish_reason, 'stop');
});

test('streamed chat completion reassembles to the user message', async () => {
  const stream = await openai.chat.completions.create({
    model: MODEL, messages, stream: true, stream_options: { include_usage: true },
  });
  let text = '';
  let pieces = 0;
  let usage = null;
  for await (const chunk of stream) {
    const piece = chunk.choices[0]?.delta?.content ?? '';
    if (piece) { pieces++; text += piece; }
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(text, SAMPLE);
  assert.ok(pieces > SAMPLE.length / 8, `streamed in small pieces (${pieces})`);
  assert.ok(usage && usage.total_tokens > 0, 'usage chunk with include_usage');
});

test('streamed tool call arguments reassemble to {"text": <user message>}', async () => {
  const stream = await openai.chat.completions.create({ model: MODEL, messages, tools: [toolDef], stream: true });
  let args = '';
  let name;
  let finish;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    for (const call of choice?.delta?.tool_calls ?? []) {
      if (call.function?.name) name = call.function.name;
      args += call.function?.arguments ?? '';
    }
    if (choice?.finish_reason) finish = choice.finish_reason;
  }
  assert.equal(name, TOOL);
  assert.equal(finish, 'tool_calls');
  assert.equal(JSON.parse(args).text, SAMPLE);
});

test('the SDK stream helper accumulates the final tool call', async () => {
  const runner = openai.chat.completions.stream({ model: MODEL, messages, tools: [toolDef] });
  const final = await runner.finalChatCompletion();
  const call = final.choices[0].message.tool_calls[0];
  assert.equal(call.function.name, TOOL);
  assert.equal(JSON.parse(call.function.arguments).text, SAMPLE);
});

test('responses API answers with the input, whole and streamed', async () => {
  const r = await openai.responses.create({ model: MODEL, input: SAMPLE });
  assert.equal(r.output_text, SAMPLE);

  const stream = await openai.responses.create({ model: MODEL, input: SAMPLE, stream: true });
  let text = '';
  const types = [];
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'response.output_text.delta') text += event.delta;
  }
  assert.equal(text, SAMPLE);
  assert.equal(types[0], 'response.created');
  assert.equal(types.at(-1), 'response.completed');
});

test('responses API streams function call arguments', async () => {
  const stream = await openai.responses.create({
    model: MODEL, input: SAMPLE, stream: true,
    tools: [{ type: 'function', name: TOOL, parameters: toolDef.function.parameters, strict: false }],
  });
  let args = '';
  for await (const event of stream) {
    if (event.type === 'response.function_call_arguments.delta') args += event.delta;
  }
  assert.equal(JSON.parse(args).text, SAMPLE);
});

test('embeddings are consistent for the same input', async () => {
  const a = await openai.embeddings.create({ model: 'text-embedding-3-small', input: SAMPLE });
  const b = await openai.embeddings.create({ model: 'text-embedding-3-small', input: SAMPLE });
  const other = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'Nothing personal here.' });
  assert.ok(a.data[0].embedding.length > 0);
  assert.deepEqual(a.data[0].embedding, b.data[0].embedding);
  assert.notDeepEqual(a.data[0].embedding, other.data[0].embedding);
});

test('models are listed', async () => {
  const models = [];
  for await (const m of openai.models.list()) models.push(m.id);
  assert.ok(models.length > 0);
});

test('a wrong key is refused with 401 as AuthenticationError', { skip: TARGET !== 'veil' && 'the mock accepts any key' }, async () => {
  const before = mark();
  await assert.rejects(
    client('sk-veil-not-a-real-key').chat.completions.create({ model: MODEL, messages }),
    (err) => {
      assert.ok(err instanceof OpenAI.AuthenticationError, `expected AuthenticationError, got ${err?.constructor?.name}`);
      assert.equal(err.status, 401);
      assert.ok(!String(err.message).includes('maria.keller@example.org'), 'no personal data in the error');
      return true;
    },
  );
  assert.equal(recorded(before).length, 0, 'nothing forwarded');
});
