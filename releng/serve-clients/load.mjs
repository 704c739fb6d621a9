// Load on `atelier serve` (issue 16's benchmark, not a test): CHATS concurrent chat clients (the official openai
// client) and IMAGES image clients (A1111's txt2img over fetch), each sending ROUNDS requests, bounded by SECONDS.
// Every request is told apart by its prompt (chats) or seed (images); the answers are first taken one at a time
// (the reference), then under load, and compared: an answer missing, twice, or equal to another request's reference
// instead of its own is counted. Then chat throughput as clients see it: ROUNDS longer answers (TOKENS tokens asked) for
// one chat client alone, then for CHATS clients at once (the served model decodes up to its --parallel together):
// generated tokens per second of each run, side by side. Prints one JSON object: counts, p50/p99 latency and
// throughput per kind, and the two token rates.
// Usage: node load.mjs http://127.0.0.1:PORT/ LLM CHECKPOINT [CHATS IMAGES ROUNDS SECONDS TOKENS]
import OpenAI from 'openai';

const [base, llm, checkpoint, chatsArg, imagesArg, roundsArg, secondsArg, tokensArg] = process.argv.slice(2);
const chats = Number(chatsArg ?? 32), images = Number(imagesArg ?? 8), rounds = Number(roundsArg ?? 3), seconds = Number(secondsArg ?? 600);
const answerTokens = Number(tokensArg ?? 64);
const deadline = Date.now() + seconds * 1000;
const openai = new OpenAI({ baseURL: new URL('v1', base).toString(), apiKey: 'unused', maxRetries: 0, timeout: seconds * 1000 });

const words = ['river', 'lamp', 'forest', 'engine', 'violin', 'harbour', 'comet', 'garden'];
const chatPrompt = (c, r) => `Tell me about the ${words[c % words.length]} number ${c * 100 + r}.`;
const chat = async (prompt) => (await openai.chat.completions.create({
  model: llm, messages: [{ role: 'user', content: prompt }], max_tokens: 12, temperature: 0, seed: 1 })).choices[0].message.content;
const image = async (seed) => {
  const response = await fetch(new URL('sdapi/v1/txt2img', base), { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ prompt: 'a lighthouse', seed, steps: 2, width: 64, height: 64, sampler_name: 'Euler' }),
    signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) });
  if (!response.ok) throw new Error(`txt2img ${response.status}: ${await response.text()}`);
  const body = await response.json();
  return { seed: JSON.parse(body.info).seed, png: body.images[0] };
};

// the checkpoint as A1111's clients choose it
const chosen = await fetch(new URL('sdapi/v1/options', base), { method: 'POST', headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ sd_model_checkpoint: checkpoint }) });
if (!chosen.ok) throw new Error(`options ${chosen.status}: ${await chosen.text()}`);

// the reference: each request alone
const chatRequests = [], imageRequests = [];
for (let c = 0; c < chats; c++) for (let r = 0; r < rounds; r++) chatRequests.push({ client: c, prompt: chatPrompt(c, r) });
for (let c = 0; c < images; c++) for (let r = 0; r < rounds; r++) imageRequests.push({ client: c, seed: 1000 + c * 100 + r });
const expectedChat = new Map(), expectedImage = new Map();
for (const q of chatRequests) expectedChat.set(q.prompt, await chat(q.prompt));
for (const q of imageRequests) expectedImage.set(q.seed, (await image(q.seed)).png);

const result = { chats, images, rounds, lost: 0, duplicated: 0, crossed: 0, failed: [], chat: [], image: [] };
const answered = new Map();
const note = (key) => { answered.set(key, (answered.get(key) ?? 0) + 1); };
const started = Date.now();
const chatClient = async (c) => {
  for (const q of chatRequests.filter((q) => q.client === c)) {
    if (Date.now() > deadline) return;
    const t0 = performance.now();
    try {
      const text = await chat(q.prompt);
      result.chat.push(performance.now() - t0);
      note('chat:' + q.prompt);
      if (text !== expectedChat.get(q.prompt)) result.crossed++;
    } catch (e) { result.failed.push(`chat ${q.prompt}: ${e.message}`); }
  }
};
const imageClient = async (c) => {
  for (const q of imageRequests.filter((q) => q.client === c)) {
    if (Date.now() > deadline) return;
    const t0 = performance.now();
    try {
      const got = await image(q.seed);
      result.image.push(performance.now() - t0);
      note('image:' + q.seed);
      if (got.seed !== q.seed || got.png !== expectedImage.get(q.seed)) result.crossed++;
    } catch (e) { result.failed.push(`image ${q.seed}: ${e.message}`); }
  }
};
await Promise.all([...Array(chats).keys()].map(chatClient).concat([...Array(images).keys()].map(imageClient)));
const wall = (Date.now() - started) / 1000;
for (const q of chatRequests) { const n = answered.get('chat:' + q.prompt) ?? 0; if (n === 0) result.lost++; if (n > 1) result.duplicated++; }
for (const q of imageRequests) { const n = answered.get('image:' + q.seed) ?? 0; if (n === 0) result.lost++; if (n > 1) result.duplicated++; }
// generated tokens per second of CLIENTS chat clients at once, each sending ROUNDS requests in turn
const tokenRate = async (clients) => {
  let tokens = 0;
  const t0 = performance.now();
  await Promise.all([...Array(clients).keys()].map(async (c) => {
    for (let r = 0; r < rounds; r++) {
      const reply = await openai.chat.completions.create({ model: llm, messages: [{ role: 'user', content: chatPrompt(c, r) }],
        max_tokens: answerTokens, temperature: 0, seed: 1 });
      tokens += reply.usage.completion_tokens;
    }
  }));
  return tokens / ((performance.now() - t0) / 1000);
};
const oneClient = await tokenRate(1);
const allClients = await tokenRate(chats);
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : null; };
const summary = (xs) => ({ answers: xs.length, p50_ms: Math.round(pct(xs, 0.5)), p99_ms: Math.round(pct(xs, 0.99)), per_second: +(xs.length / wall).toFixed(2) });
console.log(JSON.stringify({ chats, images, rounds, wall_s: +wall.toFixed(1), lost: result.lost, duplicated: result.duplicated, crossed: result.crossed,
  failed: result.failed.slice(0, 5), failures: result.failed.length, chat: summary(result.chat), image: summary(result.image),
  chat_tokens_per_s: { max_tokens: answerTokens, one_client: +oneClient.toFixed(1), [`${chats}_clients`]: +allClients.toFixed(1),
    ratio: +(allClients / oneClient).toFixed(2) } }));
process.exit(result.lost || result.duplicated || result.crossed || result.failed.length ? 1 : 0);
