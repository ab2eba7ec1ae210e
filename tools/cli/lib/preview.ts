// Renders a synth result the way `pulumi preview` reads: a resource tree, then the role's grants and routing.
import { PolicyDocument, PolicyStatement } from "../../../src/bedrock/grants";
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

/** Nests resources under their parent: the URN's type chain ends with `<parent type>$<type>`. */
function renderTree(stack: string, resources: SynthResource[]): string[] {
  // Children of the stack itself are the tree's roots.
  const parentType = (r: SynthResource) => {
    const parent = (r.urn?.split("::")[2] ?? r.type).split("$").slice(-2, -1)[0] ?? "";
    return parent === "pulumi:pulumi:Stack" ? "" : parent;
  };
  const rows: { label: string; name: string }[] = [{ label: "pulumi:pulumi:Stack", name: `bedrock-sfn-${stack}` }];
  const walk = (parent: string, indent: string) => {
    const children = resources.filter((r) => parentType(r) === parent);
    children.forEach((child, i) => {
      const last = i === children.length - 1;
      rows.push({ label: `${indent}${last ? "└─ " : "├─ "}${child.type}`, name: child.name });
      if (isComponent(child)) walk(child.type, `${indent}${last ? "   " : "│  "}`);
    });
  };
  walk("", "");
  const width = Math.max(...rows.map((r) => r.label.length)) + 2;
  return [`     ${"Type".padEnd(width)}Name`, ...rows.map((r) => ` +   ${r.label.padEnd(width)}${r.name}`)];
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
