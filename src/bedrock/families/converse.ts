// The Converse API (Bedrock API reference: Converse), one format for every model: what the local Bedrock
// stand-in answers on `/model/{id}/converse`, and the one check Converse makes of a request before the model runs.

import { type JsonObject } from "./format";

export interface ConverseReply {
  text: string;
  inputTokens: number;
  outputTokens: number;
}

export function converseResponse(reply: ConverseReply): JsonObject {
  return {
    output: { message: { role: "assistant", content: [{ text: reply.text }] } },
    stopReason: "end_turn",
    usage: { inputTokens: reply.inputTokens, outputTokens: reply.outputTokens, totalTokens: reply.inputTokens + reply.outputTokens },
    metrics: { latencyMs: 1 },
  };
}

/** Why Converse would refuse the request body before running the model, or undefined. */
export function converseRequestProblem(body: unknown): string | undefined {
  const messages = (body as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages) || messages.length === 0) return "Malformed input request: messages must be a non-empty list";
  return undefined;
}
