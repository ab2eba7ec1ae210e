// Renders a synth result the way `pulumi preview` reads: a resource tree, then the role's grants and routing.
import { PolicyDocument, PolicyStatement } from "../../bedrock/grants";
import { SynthResource, SynthResult } from "./synth";

const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

export function renderPreview(result: SynthResult): string {
  const lines: string[] = [];
  lines.push(`Previewing stack '${result.stack}' offline (Pulumi mock engine; nothing is sent to AWS)`, "");
  lines.push(...renderTree(result.stack, result.resources), "");
  const outputs = result.outputs;
  const routed = outputs.routedRegions as string[] | undefined;
  lines.push(`Model:    ${outputs.modelId} from ${outputs.region} (${outputs.workflowType}, ${outputs.queryLanguage})`);
  if (routed) {
    lines.push(
      routed[0] === "*"
        ? "Routed:   any commercial Region (global profile: AWS authorises the Region-less model ARN)"
        : `Routed:   ${routed.length} Region${routed.length === 1 ? "" : "s"}: ${routed.join(", ")}`,
    );
  }
  for (const policy of result.resources.filter((r) => r.type === ROLE_POLICY)) {
    lines.push("", `Execution role grants (${policy.name}):`);
    lines.push(...renderGrants(policy));
  }
  lines.push("", "Outputs:");
  for (const [key, value] of Object.entries(outputs)) lines.push(`    ${key}: ${JSON.stringify(value)}`);
  const custom = result.resources.filter((r) => !isComponent(r)).length;
  lines.push("", `Resources: + ${custom} to create (${result.resources.length - custom} components)`);
  return lines.join("\n");
}

function isComponent(resource: SynthResource): boolean {
  return resource.type.startsWith("bedrock-sfn:");
}

/** Nests resources by the type chain in their URN (`parent$child`), in registration order. */
function renderTree(stack: string, resources: SynthResource[]): string[] {
  const chain = (r: SynthResource) => (r.urn?.split("::")[2] ?? r.type).split("$");
  const rows = [{ depth: 0, type: "pulumi:pulumi:Stack", name: `bedrock-sfn-${stack}` }];
  // Parents before children, siblings in registration order.
  const seen = new Set<string>();
  const place = (r: SynthResource) => {
    const parentChain = chain(r).slice(0, -1).join("$");
    for (const p of resources) if (!seen.has(p.name) && chain(p).join("$") === parentChain) place(p);
    if (seen.has(r.name)) return;
    seen.add(r.name);
    rows.push({ depth: chain(r).length, type: r.type, name: r.name });
  };
  resources.forEach(place);
  const width = Math.max(...rows.map((r) => r.depth * 3 + r.type.length)) + 2;
  return [
    `     ${"Type".padEnd(width)}Name`,
    ...rows.map((r) => {
      const label = `${r.depth === 0 ? "" : `${"   ".repeat(r.depth - 1)}└─ `}${r.type}`;
      return ` +   ${label.padEnd(width)}${r.name}`;
    }),
  ];
}

function renderGrants(policy: SynthResource): string[] {
  let doc: PolicyDocument;
  try {
    doc = JSON.parse(String(policy.inputs.policy));
  } catch {
    return ["    (policy is not JSON)"];
  }
  return doc.Statement.flatMap((s: PolicyStatement) => {
    const actions = [s.Action].flat();
    const resources = [s.Resource].flat();
    const out = [`    ${s.Sid ?? "(no Sid)"}: ${s.Effect} ${actions.length > 3 ? `${actions.length} actions (${actions[0]}, ...)` : actions.join(", ")}`];
    for (const resource of resources) out.push(`        ${resource}`);
    for (const [operator, entries] of Object.entries(s.Condition ?? {})) {
      for (const [key, value] of Object.entries(entries)) out.push(`        when ${operator} ${key} = ${JSON.stringify(value)}`);
    }
    return out;
  });
}
