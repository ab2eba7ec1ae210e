// CloudFormation, SAM and CDK templates -> the resources the pack judges. CloudFormation's IAM and Step Functions
// types become the aws-native types the pack already reads (aws-native is CloudFormation's schema under Pulumi's
// camelCase names), so every rule, link and message is the pack's own. Links (a state machine's role, a policy's
// roles) are given as property dependencies from the Ref/GetAtt the value was built from, as the engine gives them.
import { type Environment, TemplateResolver, UNKNOWN } from "./intrinsics";
import type { CheckInput, Source } from "./source";

const urnOf = (type: string, name: string) => `urn:pulumi:stack::project::${type}::${name}`;

const NATIVE = {
  role: "aws-native:iam:Role",
  rolePolicy: "aws-native:iam:RolePolicy",
  managedPolicy: "aws-native:iam:ManagedPolicy",
  stateMachine: "aws-native:stepfunctions:StateMachine",
} as const;

export function cloudFormationResources(source: Source, env: Environment): CheckInput {
  const resolver = new TemplateResolver(source.value, env);
  const input: CheckInput = { resources: [], locations: new Map(), notes: [], region: env.region };
  const templateResources = resolver.resources;
  /** The URNs of the role resources among the logical IDs a value was built from. */
  const roleUrns = (refs: Set<string>) => [...refs].filter((id) => templateResources[id]?.Type === "AWS::IAM::Role").map((id) => urnOf(NATIVE.role, id));
  const policyUrns = (refs: Set<string>) => [...refs].filter((id) => templateResources[id]?.Type === "AWS::IAM::ManagedPolicy").map((id) => urnOf(NATIVE.managedPolicy, id));

  for (const [id, resource] of Object.entries(templateResources)) {
    if (typeof resource !== "object" || resource === null) continue;
    const line = source.resourceLine(id);
    const add = (type: string, name: string, props: Record<string, unknown>, propertyDependencies: Record<string, string[]> = {}, label = id) => {
      input.resources.push({ type, name, urn: urnOf(type, name), props: withoutUndefined(props), propertyDependencies });
      input.locations.set(name, { line, label });
    };
    const note = (message: string) => input.notes.push({ message: `${id}: ${message}`, line });
    const property = (name: string) => resolver.resolve(resource.Properties?.[name]);

    switch (resource.Type) {
      case "AWS::IAM::Role": {
        const managed = property("ManagedPolicyArns");
        const boundary = property("PermissionsBoundary");
        add(
          NATIVE.role,
          id,
          {
            roleName: resolver.nameOf(id, "RoleName"),
            arn: resolver.roleArn(id),
            path: property("Path").value,
            assumeRolePolicyDocument: property("AssumeRolePolicyDocument").value,
            policies: inlinePolicies(property("Policies").value),
            managedPolicyArns: managed.value,
            permissionsBoundary: boundary.value,
            tags: tags(property("Tags").value),
          },
          { managedPolicyArns: policyUrns(managed.refs), permissionsBoundary: policyUrns(boundary.refs) },
        );
        break;
      }
      case "AWS::IAM::Policy":
      case "AWS::IAM::RolePolicy": {
        const document = property("PolicyDocument").value;
        const policyName = property("PolicyName").value;
        const roles = resource.Type === "AWS::IAM::RolePolicy" ? [resource.Properties?.RoleName] : listOf(resource.Properties?.Roles);
        if (roles.length === 0 && resource.Type === "AWS::IAM::Policy") note("the policy is attached to no role (users and groups are not judged)");
        roles.forEach((reference, i) => {
          const role = resolver.resolve(reference);
          const name = roles.length === 1 ? id : `${id}#${i + 1}`;
          add(
            NATIVE.rolePolicy,
            name,
            { roleName: role.value, policyName, policyDocument: document },
            { roleName: roleUrns(role.refs) },
            roles.length === 1 ? id : `${id} (role ${String(role.value)})`,
          );
        });
        break;
      }
      case "AWS::IAM::ManagedPolicy": {
        add(NATIVE.managedPolicy, id, {
          managedPolicyName: resolver.nameOf(id, "ManagedPolicyName"),
          arn: resolver.managedPolicyArn(id),
          policyDocument: property("PolicyDocument").value,
          roles: property("Roles").value,
        });
        break;
      }
      case "AWS::StepFunctions::StateMachine": {
        const role = property("RoleArn");
        const definition = machineDefinition(resolver, resource.Properties ?? {}, "DefinitionS3Location", note);
        add(
          NATIVE.stateMachine,
          id,
          { stateMachineName: resolver.nameOf(id, "StateMachineName"), arn: resolver.stateMachineArn(id), roleArn: role.value, ...definition },
          { roleArn: roleUrns(role.refs) },
        );
        break;
      }
      case "AWS::Serverless::StateMachine": {
        const properties = resource.Properties ?? {};
        const definition = machineDefinition(resolver, properties, "DefinitionUri", note);
        let roleArn: unknown;
        let roleDependencies: string[] = [];
        if (properties.Role !== undefined) {
          const role = property("Role");
          roleArn = role.value;
          roleDependencies = roleUrns(role.refs);
        } else {
          // SAM's generated role: <LogicalId>Role, with the template's Policies (inline statements judged).
          const roleId = `${id}Role`;
          const { policies, managed } = samPolicies(property("Policies").value, resolver.partition, note);
          const path = property("RolePath").value;
          roleArn = `arn:${resolver.partition}:iam::${env.account}:role${typeof path === "string" ? path : "/"}${roleId}`;
          roleDependencies = [urnOf(NATIVE.role, roleId)];
          add(
            NATIVE.role,
            roleId,
            {
              roleName: roleId,
              arn: roleArn,
              path,
              policies,
              managedPolicyArns: managed.length > 0 ? managed : undefined,
              permissionsBoundary: property("PermissionsBoundary").value,
            },
            {},
            `${id} (the role SAM creates for it)`,
          );
        }
        add(NATIVE.stateMachine, id, { stateMachineName: resolver.nameOf(id, "Name"), arn: resolver.stateMachineArn(id), roleArn, ...definition }, { roleArn: roleDependencies });
        break;
      }
    }
  }
  for (const message of resolver.notes) input.notes.push({ message });
  return input;
}

/** A state machine's definition as the pack reads it (`definition` object or `definitionString`), with DefinitionSubstitutions applied. */
function machineDefinition(resolver: TemplateResolver, properties: Record<string, unknown>, remote: string, note: (m: string) => void): Record<string, unknown> {
  const substitutions = resolver.resolve(properties.DefinitionSubstitutions).value;
  const substitute = (value: unknown) => (typeof substitutions === "object" && substitutions !== null ? substituted(value, substitutions as Record<string, unknown>) : value);
  if (properties.Definition !== undefined) return { definition: substitute(resolver.resolve(properties.Definition).value) };
  if (properties.DefinitionString !== undefined) return { definitionString: substitute(resolver.resolve(properties.DefinitionString).value) };
  if (properties[remote] !== undefined) {
    note(`${remote} ${JSON.stringify(resolver.resolve(properties[remote]).value)} is not fetched: its definition is not judged (inline it with Definition to have it checked)`);
  }
  return {};
}

/** Step Functions' `${name}` substitutions in every string of the definition; an unknown value makes that string unknown. */
function substituted(value: unknown, substitutions: Record<string, unknown>): unknown {
  if (typeof value === "string") {
    let unknown = false;
    const out = value.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
      if (!Object.hasOwn(substitutions, name)) return whole;
      const v = substitutions[name];
      if (v === UNKNOWN) unknown = true;
      return String(v);
    });
    return unknown ? UNKNOWN : out;
  }
  if (Array.isArray(value)) return value.map((v) => substituted(v, substitutions));
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituted(v, substitutions)]));
  return value;
}

/**
 * SAM's Policies: a managed policy's name or ARN, an inline document (`Statement`), or a SAM policy template
 * (`{ TemplateName: {...} }`), which SAM expands at deployment: noted, not judged.
 */
function samPolicies(value: unknown, partition: string, note: (m: string) => void): { policies: unknown[]; managed: string[] } {
  const policies: unknown[] = [];
  const managed: string[] = [];
  listOf(value).forEach((entry, i) => {
    if (typeof entry === "string") managed.push(entry.startsWith("arn:") ? entry : `arn:${partition}:iam::aws:policy/${entry}`);
    else if (typeof entry === "object" && entry !== null && "Statement" in entry) policies.push({ policyName: `${i}`, policyDocument: entry });
    else if (typeof entry === "object" && entry !== null) note(`SAM policy template ${Object.keys(entry).join(", ")} is expanded by SAM at deployment and is not judged here`);
    else if (entry === UNKNOWN) note(`Policies #${i + 1} is not known before deployment and is not judged`);
  });
  return { policies, managed };
}

function inlinePolicies(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((p) =>
    typeof p === "object" && p !== null ? { policyName: (p as Record<string, unknown>).PolicyName, policyDocument: (p as Record<string, unknown>).PolicyDocument } : p,
  );
}

function tags(value: unknown): unknown {
  if (!Array.isArray(value)) return undefined;
  return value.map((t) => ({ key: (t as Record<string, unknown>)?.Key, value: (t as Record<string, unknown>)?.Value }));
}

function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function withoutUndefined(props: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
}
