// Drives `atelier serve` at the address given with the official OpenAI and Ollama clients; prints what each call
// returned as one JSON object for ServeClientsIT to check. Usage: node drive.mjs http://127.0.0.1:PORT/ LLM CHECKPOINT
import OpenAI from 'openai';
import { Ollama } from 'ollama';

const [base, llm, checkpoint] = process.argv.slice(2);
const openai = new OpenAI({ baseURL: new URL('v1', base).toString(), apiKey: 'unused', maxRetries: 0 });
const ollama = new Ollama({ host: base.replace(/\/$/, '') });
const messages = [{ role: 'user', content: 'Tell me a story.' }];
const out = {};

out.openaiModels = (await openai.models.list()).data.map((m) => m.id);

const whole = await openai.chat.completions.create({ model: llm, messages, max_tokens: 8, temperature: 0, seed: 1 });
out.chatWhole = { text: whole.choices[0].message.content, finish: whole.choices[0].finish_reason, usage: whole.usage };

const pieces = [];
let finish = null;
const stream = await openai.chat.completions.create({ model: llm, messages, max_tokens: 8, temperature: 0, seed: 1, stream: true });
for await (const chunk of stream) {
  const choice = chunk.choices[0];
  if (choice?.delta?.content) pieces.push(choice.delta.content);
  if (choice?.finish_reason) finish = choice.finish_reason;
}
out.chatStreamed = { pieces, finish };

const completion = await openai.completions.create({ model: llm, prompt: 'Once upon a time', max_tokens: 4, temperature: 0 });
out.completion = { text: completion.choices[0].text, usage: completion.usage };

const image = await openai.images.generate({ model: checkpoint, prompt: 'a lighthouse', n: 1, size: '64x64', response_format: 'b64_json' });
const png = Buffer.from(image.data[0].b64_json, 'base64');
out.image = { png: png.subarray(1, 4).toString('latin1'), parameters: png.includes(Buffer.from('parameters\0', 'latin1')) };

try {
  await openai.chat.completions.create({ model: 'no-such-model', messages, max_tokens: 1 });
  out.missingModel = 'answered';
} catch (e) {
  out.missingModel = { status: e.status, type: e.error?.type ?? e.type };
}

out.ollamaTags = (await ollama.list()).models.map((m) => m.name);
const ollamaPieces = [];
for await (const part of await ollama.chat({ model: llm, messages, stream: true, options: { num_predict: 8, temperature: 0 } })) {
  if (!part.done) ollamaPieces.push(part.message.content);
  else out.ollamaDone = { reason: part.done_reason, evalCount: part.eval_count };
}
out.ollamaChat = ollamaPieces;
out.ollamaGenerate = (await ollama.generate({ model: llm, prompt: 'Once', raw: true, options: { num_predict: 3, temperature: 0 } })).response;
out.loadedBefore = (await ollama.ps()).models.map((m) => m.name);
out.unload = (await ollama.generate({ model: llm, prompt: '', keep_alive: 0 })).done_reason;
out.loadedAfter = (await ollama.ps()).models.map((m) => m.name);

console.log(JSON.stringify(out));
