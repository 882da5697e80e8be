// Runs the official `openai` npm client against an OpenAI-compatible server and prints one JSON object with what
// each scenario saw. NodeClientTests.cs starts the server (a scripted model) and asserts on the output.
// Environment: LLMENGINE_BASE_URL (the /v1 URL), LLMENGINE_API_KEY, LLMENGINE_MODEL.
import OpenAI from 'openai';

const baseURL = process.env.LLMENGINE_BASE_URL;
const apiKey = process.env.LLMENGINE_API_KEY;
const model = process.env.LLMENGINE_MODEL ?? 'scripted';
if (!baseURL || !apiKey) {
  console.error('set LLMENGINE_BASE_URL and LLMENGINE_API_KEY');
  process.exit(2);
}

// No retries: a failure must show up as the failure it is, not as a slow success.
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 30_000 });
const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

const scenarios = {
  async models() {
    const ids = [];
    for await (const m of client.models.list()) {
      ids.push({ id: m.id, object: m.object, owned_by: m.owned_by });
    }
    return { models: ids };
  },

  async chat() {
    const completion = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi there' }] });
    const choice = completion.choices[0];
    return {
      content: choice.message.content,
      role: choice.message.role,
      finish_reason: choice.finish_reason,
      completion_tokens: completion.usage?.completion_tokens,
      model: completion.model,
      object: completion.object,
    };
  },

  async chatStream() {
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Hi there' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = '';
    let chunks = 0;
    let role = null;
    let finishReason = null;
    let usage = null;
    for await (const chunk of stream) {
      chunks++;
      const delta = chunk.choices[0]?.delta;
      role ??= delta?.role ?? null;
      content += delta?.content ?? '';
      finishReason ??= chunk.choices[0]?.finish_reason ?? null;
      usage ??= chunk.usage ?? null;
    }
    // Reaching here means the SDK read `data: [DONE]` and ended the iteration itself.
    return { content, chunks, role, finish_reason: finishReason, completion_tokens: usage?.completion_tokens ?? null, done: true };
  },

  async chatStreamHelper() {
    // The SDK's accumulating stream helper checks every chunk's shape while assembling the final message.
    const stream = client.chat.completions.stream({ model, messages: [{ role: 'user', content: 'Hi there' }] });
    const deltas = [];
    stream.on('content', (delta) => deltas.push(delta));
    const final = await stream.finalChatCompletion();
    return { content: final.choices[0].message.content, finish_reason: final.choices[0].finish_reason, deltas: deltas.length };
  },

  async toolsRoundTrip() {
    const messages = [{ role: 'user', content: 'What is the weather like?' }];
    const first = await client.chat.completions.create({ model, messages, tools: [weatherTool] });
    const call = first.choices[0].message.tool_calls?.[0];
    messages.push(first.choices[0].message);
    messages.push({ role: 'tool', tool_call_id: call.id, content: '21C, sunny' });
    const second = await client.chat.completions.create({ model, messages, tools: [weatherTool] });
    return {
      first_finish_reason: first.choices[0].finish_reason,
      name: call.function.name,
      arguments: JSON.parse(call.function.arguments),
      id: call.id,
      answer: second.choices[0].message.content,
    };
  },

  async streamedToolCalls() {
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'What is the weather in Paris and London?' }],
      tools: [weatherTool],
      stream: true,
    });
    const calls = [];
    let finishReason = null;
    for await (const chunk of stream) {
      for (const part of chunk.choices[0]?.delta?.tool_calls ?? []) {
        calls[part.index] ??= { name: '', arguments: '' };
        calls[part.index].name += part.function?.name ?? '';
        calls[part.index].arguments += part.function?.arguments ?? '';
      }
      finishReason ??= chunk.choices[0]?.finish_reason ?? null;
    }
    return { finish_reason: finishReason, calls: calls.map((c) => ({ name: c.name, arguments: JSON.parse(c.arguments) })) };
  },

  async runTools() {
    // The SDK's own function-calling loop: it calls get_weather and sends the result back.
    const cities = [];
    const runner = client.chat.completions.runTools({
      model,
      messages: [{ role: 'user', content: 'What is the weather like?' }],
      tools: [{
        type: 'function',
        function: {
          ...weatherTool.function,
          parse: JSON.parse,
          function: ({ city }) => {
            cities.push(city);
            return '21C, sunny';
          },
        },
      }],
    });
    return { answer: await runner.finalContent(), cities };
  },

  async completions() {
    // The scripted model answers after an assistant turn marker, so the raw prompt ends with one.
    const prompt = '<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n';
    const completion = await client.completions.create({ model, prompt, max_tokens: 64 });
    const stream = await client.completions.create({ model, prompt, max_tokens: 64, stream: true });
    let streamed = '';
    for await (const chunk of stream) {
      streamed += chunk.choices[0]?.text ?? '';
    }
    return { text: completion.choices[0].text, finish_reason: completion.choices[0].finish_reason, object: completion.object, streamed };
  },

  async embeddings() {
    // Without encoding_format the SDK asks for base64 and decodes it to floats.
    const one = await client.embeddings.create({ model, input: 'ab' });
    const two = await client.embeddings.create({ model, input: ['ab', 'c'], encoding_format: 'float' });
    return {
      embedding: Array.from(one.data[0].embedding),
      count: two.data.length,
      second: Array.from(two.data[1].embedding),
      prompt_tokens: one.usage?.prompt_tokens,
    };
  },

  async errors() {
    const describe = async (call) => {
      try {
        await call();
        return { thrown: false };
      } catch (e) {
        return {
          thrown: true,
          class: e.constructor.name,
          status: e.status ?? null,
          message: e.message,
          type: e.type ?? null,
          param: e.param ?? null,
          isApiError: e instanceof OpenAI.APIError,
          isAuthenticationError: e instanceof OpenAI.AuthenticationError,
          isNotFoundError: e instanceof OpenAI.NotFoundError,
          isBadRequestError: e instanceof OpenAI.BadRequestError,
        };
      }
    };
    const wrongKey = new OpenAI({ baseURL, apiKey: 'wrong', maxRetries: 0, timeout: 30_000 });
    return {
      wrongKey: await describe(() => wrongKey.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] })),
      unknownModel: await describe(() => client.chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'Hi' }] })),
      badTemperature: await describe(() => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }], temperature: -1 })),
    };
  },
};

const results = { node: process.version };
for (const [name, run] of Object.entries(scenarios)) {
  try {
    results[name] = await run();
  } catch (e) {
    results[name] = { failed: `${e.constructor?.name ?? 'Error'}: ${e.message}`, status: e.status ?? null };
  }
}
process.stdout.write(JSON.stringify(results) + '\n');
