// Judges what a reader found with the pack's own policy objects (tools/shared/evaluate-pack.ts, the same offline
// evaluation `npm start` uses) and puts each finding back where the user wrote it: file, line, resource name.
import { evaluateResources } from "../shared/evaluate-pack";
import type { CheckInput } from "./source";

export interface CheckFinding {
  policy: string;
  level: "mandatory" | "advisory";
  message: string;
  file: string;
  line?: number;
  resource?: string;
}

export interface CheckNote {
  file: string;
  line?: number;
  message: string;
}

export async function judge(input: CheckInput, file: string): Promise<CheckFinding[]> {
  const violations = await evaluateResources(input.resources, { region: input.region });
  return violations.map((v) => {
    // Resource policies name the resource, stack policies its URN (the name is its last segment).
    const name = v.resource?.startsWith("urn:") ? v.resource.slice(v.resource.lastIndexOf("::") + 2) : v.resource;
    const where = name === undefined ? undefined : input.locations.get(name);
    return {
      policy: v.policyName,
      level: v.enforcementLevel === "advisory" ? "advisory" : "mandatory",
      message: v.message,
      file,
      ...(where?.line !== undefined ? { line: where.line } : {}),
      ...(where ? { resource: where.label } : name ? { resource: name } : {}),
    };
  });
}
