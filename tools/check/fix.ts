// --fix: the statements each broken role needs, in the file's own language (a YAML snippet, a JSON policy, HCL).
// Nothing here judges IAM anew: a state machine's role gets the component's own grants for each model its definition
// calls (requiredBedrockStatements), cut down to the routed requests the role's policy union (the pack's
// rolePolicyUnion) does not allow; a policy no state machine uses gets what the pack's remediation adds to it.
import { stringify } from "yaml";
import { remediateRoutedGrants } from "../../policy-pack/lib/remediation";
import { ROLE_TYPES, STATE_MACHINE_TYPES, toPackResource } from "../../policy-pack/lib/resources";
import { rolePolicyUnion } from "../../policy-pack/lib/role-policies";
import { StackGraph } from "../../policy-pack/lib/stack-graph";
import { PLACEHOLDER_ACCOUNT, type PolicyStatement, type ResolvedModel, analyzeDefinition, requiredBedrockStatements, routedRequests } from "../../src/domain";
import type { FileResult } from "./check";
import { UNKNOWN } from "./intrinsics";

interface Fix {
  /** The role (or policy) the statements go to, as the user knows it. */
  target: string;
  /** Its resource name in the pack's list (a Terraform address, a logical ID). */
  name: string;
  line?: number;
  statements: PolicyStatement[];
}

/** The fixes of one file, rendered; "" when nothing is missing. */
export function fixReport(result: FileResult, file: string): string {
  const fixes = fixesOf(result);
  if (fixes.length === 0) return "";
  return fixes.map((fix) => render(fix, result.source.language, file)).join("\n\n");
}

function fixesOf(result: FileResult): Fix[] {
  const { input } = result;
  const resources = input.resources.map((r) =>
    toPackResource({ type: r.type, name: r.name, urn: r.urn, props: r.props ?? {}, provider: input.region ? { props: { region: input.region } } : undefined }),
  );
  // Property dependencies are URN lists in the pack's shape already.
  resources.forEach((r, i) => {
    r.propertyDependencies = input.resources[i].propertyDependencies ?? {};
  });
  const graph = new StackGraph(resources);
  const byRole = new Map<string, Fix>();
  const covered = new Set<string>();
  for (const machine of graph.ofType(...STATE_MACHINE_TYPES)) {
    const found = graph.roleOf(machine);
    if (!("role" in found)) continue;
    const definition = machine.props.definitionString ?? machine.props.definition;
    if (definition === undefined || JSON.stringify(definition).includes(UNKNOWN)) continue;
    const region = graph.regionOf(machine) ?? input.region;
    let models: ResolvedModel[];
    try {
      models = analyzeDefinition(definition, { region, account: accountOf(machine.props.arn), payloadBucket: "unused" }).models;
    } catch {
      continue; // The pack's findings say why the definition cannot be analysed.
    }
    const union = rolePolicyUnion(found.role, graph);
    for (const source of graph.policiesOf(found.role).sources) covered.add(source.name);
    for (const model of models) {
      const missing = new Set(
        routedRequests(model)
          .filter((request) => !union.policies.evaluate(request).allowed)
          .map((r) => r.resource),
      );
      const statements = requiredBedrockStatements(model)
        .map((s) => ({ ...s, Resource: (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).filter((r) => missing.has(r)) }))
        .filter((s) => s.Resource.length > 0);
      if (statements.length === 0) continue;
      const location = input.locations.get(found.role.name);
      const fix = byRole.get(found.role.name) ?? { target: location?.label ?? found.role.name, name: found.role.name, line: location?.line, statements: [] };
      fix.statements.push(...statements);
      byRole.set(found.role.name, fix);
    }
  }
  // Policies no state machine of the file uses (bare policies, a role alone): the pack's remediation of each document.
  for (const resource of resources) {
    if (covered.has(resource.name) || STATE_MACHINE_TYPES.includes(resource.type)) continue;
    const fixed = remediateRoutedGrants(resource.type, resource.props);
    if (!fixed) continue;
    const statements = addedStatements(resource.props, fixed, ROLE_TYPES.includes(resource.type));
    if (statements.length === 0) continue;
    const location = input.locations.get(resource.name);
    byRole.set(resource.name, { target: location?.label ?? resource.name, name: resource.name, line: location?.line, statements });
  }
  return [...byRole.values()];
}

/** The statements remediation appended (it only appends), over every document of the resource. */
function addedStatements(before: Record<string, unknown>, after: Record<string, unknown>, role: boolean): PolicyStatement[] {
  const documents = (props: Record<string, unknown>): unknown[] => {
    if (!role) return [props.policy ?? props.policyDocument];
    const list = (props.inlinePolicies ?? props.policies) as Record<string, unknown>[] | undefined;
    return (list ?? []).map((entry) => entry?.policy ?? entry?.policyDocument);
  };
  const statementsOf = (document: unknown): unknown[] => {
    const parsed = typeof document === "string" ? (JSON.parse(document) as Record<string, unknown>) : (document as Record<string, unknown> | undefined);
    const statement = parsed?.Statement;
    return Array.isArray(statement) ? statement : statement === undefined ? [] : [statement];
  };
  const old = documents(before);
  return documents(after).flatMap((document, i) => statementsOf(document).slice(statementsOf(old[i]).length)) as PolicyStatement[];
}

function accountOf(arn: unknown): string {
  return typeof arn === "string" ? (arn.split(":")[4] ?? PLACEHOLDER_ACCOUNT) || PLACEHOLDER_ACCOUNT : PLACEHOLDER_ACCOUNT;
}

function render(fix: Fix, language: FileResult["source"]["language"], file: string): string {
  const where = `${file}${fix.line !== undefined ? `:${fix.line}` : ""}`;
  if (language === "yaml") {
    return `# ${fix.target} (${where}): add these statements to its policy's Statement list\n${stringify(fix.statements, { lineWidth: 0 }).trimEnd()}`;
  }
  if (language === "hcl") {
    const local = fix.name.replace(/[^A-Za-z0-9_]/g, "_");
    const role = fix.name.startsWith("aws_iam_role.") ? `${fix.name}.id` : JSON.stringify(fix.target);
    // HCL's object syntax takes JSON's `:` too; `${` would start an interpolation, `$${` is its escape.
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: fix.statements }, null, 2).replaceAll("${", "$${").replaceAll("\n", "\n  ");
    return `# ${fix.target} (${where}): the statements it lacks\nresource "aws_iam_role_policy" "${local}_bedrock_routed" {\n  role   = ${role}\n  policy = jsonencode(${policy})\n}`;
  }
  return `// ${fix.target} (${where}): add these statements to its policy\n${JSON.stringify({ Version: "2012-10-17", Statement: fix.statements }, null, 2)}`;
}
