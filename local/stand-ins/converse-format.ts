// The Converse API's response (one format for every model), as the Bedrock stand-in answers `/model/{id}/converse`.

export interface ConverseReply {
  text: string;
  inputTokens: number;
  outputTokens: number;
}

export function converseResponse(reply: ConverseReply): Record<string, unknown> {
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
