// What stands between an InvokeModel call and the model in the local cloud: route the call as Bedrock would, then
// authorise every check AWS makes for that landing against the execution role. The Bedrock stand-in asks the gate
// before it answers; with authorisation off, calls are still routed (and counted per Region) but never refused.

import type { BedrockRouter, RoutedCall } from "./bedrock-routing";
import { RouteError } from "./bedrock-routing";
import { accessDeniedMessage, type ExecutionRole } from "./execution-role";

export interface GateRefusal {
  type: "AccessDeniedException" | "ValidationException";
  message: string;
}

export interface GateAnswer {
  /** Where the call landed (absent when the identifier could not be routed at all). */
  region?: string;
  refusal?: GateRefusal;
}

export type BedrockGate = (modelId: string, body: Buffer) => GateAnswer;

export interface BedrockGateOptions {
  router: BedrockRouter;
  role: ExecutionRole;
  /** false: route only, never refuse (the "authorisation off" figure in tools/bench/). */
  authorise?: boolean;
}

export function createBedrockGate({ router, role, authorise = true }: BedrockGateOptions): BedrockGate {
  return (modelId, body) => {
    let routed: RoutedCall;
    try {
      routed = router.route(modelId, body);
    } catch (error) {
      if (error instanceof RouteError) return { refusal: { type: "ValidationException", message: error.message } };
      throw error;
    }
    if (!authorise) return { region: routed.region };
    for (const request of routed.requests) {
      const decision = role.decide(request);
      if (!decision.allowed) return { region: routed.region, refusal: { type: "AccessDeniedException", message: accessDeniedMessage(role, request, decision) } };
    }
    return { region: routed.region };
  };
}
