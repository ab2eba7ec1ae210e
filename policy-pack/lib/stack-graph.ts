// Links resources of a stack: a state machine to its execution role, a role to the identity policies that apply
// to it (inline, RolePolicy, attached managed policies). Links are found through the engine's property
// dependencies when it gives them (they also work during preview, when ARNs are still unknown), else by value.
import { MANAGED_POLICY_TYPES, PackResource, ROLE_TYPES, TYPES } from "./resources";
import { isUnknownValue } from "./values";

export interface RolePolicies {
  /** Resources whose documents apply to the role (the role itself for inline policies). */
  sources: PackResource[];
  /** Attached policy ARNs not managed in this stack (AWS managed or created elsewhere): not readable here. */
  external: string[];
  /** Attachments whose role or policy is not known during preview. */
  unresolved: string[];
}

/** A role named by the stack's policies but not declared in it. */
export interface UndeclaredRole {
  name: string;
  /** Its ARN, when a policy names it by ARN. */
  arn?: string;
  /** The resources whose documents apply to it. */
  sources: PackResource[];
}

export class StackGraph {
  private readonly byUrn = new Map<string, PackResource>();
  /** ofType's answers: policiesOf asks for the same types once per role, and a scan per question is quadratic. */
  private readonly typed = new Map<string, PackResource[]>();

  constructor(readonly resources: PackResource[]) {
    for (const r of resources) this.byUrn.set(r.urn, r);
  }

  ofType(...types: string[]): PackResource[] {
    const key = types.join(" ");
    let found = this.typed.get(key);
    if (!found) {
      found = this.resources.filter((r) => types.includes(r.type));
      this.typed.set(key, found);
    }
    return found;
  }

  /** The resource a property's value came from, by the engine's property dependencies. */
  private dependency(resource: PackResource, property: string, types: string[]): PackResource | undefined {
    return (resource.propertyDependencies[property] ?? []).map((urn) => this.byUrn.get(urn)).find((r) => r !== undefined && types.includes(r.type));
  }

  /** The execution role of a state machine, or why it cannot be found. */
  roleOf(stateMachine: PackResource): { role: PackResource } | { missing: string } {
    const byDependency = this.dependency(stateMachine, "roleArn", ROLE_TYPES);
    if (byDependency) return { role: byDependency };
    const roleArn = stateMachine.props.roleArn;
    if (isUnknownValue(roleArn)) return { missing: "its roleArn is not known during preview and the engine named no role it depends on" };
    if (typeof roleArn !== "string") return { missing: "it has no roleArn" };
    const role = this.roleByReference(roleArn);
    return role ? { role } : { missing: `its role ${roleArn} is not managed in this stack, so its policies cannot be read here` };
  }

  /** A role named by ARN, name or id, with Pulumi's auto-naming (`<logical name>-<7 hex>`) as the last resort. */
  private roleByReference(reference: string): PackResource | undefined {
    const roles = this.ofType(...ROLE_TYPES);
    const name = reference.startsWith("arn:") ? (reference.split("/").pop() ?? "") : reference;
    const exact = roles.filter((r) => r.props.arn === reference || r.props.name === name || r.props.roleName === name || r.props.id === name);
    if (exact.length === 1) return exact[0];
    const logical = roles.filter((r) => r.name === name || new RegExp(`^${escapeRegExp(r.name)}-[0-9a-f]{7}$`).test(name));
    return logical.length === 1 ? logical[0] : undefined;
  }

  private refersToRole(resource: PackResource, property: string, role: PackResource): boolean | undefined {
    const byDependency = this.dependency(resource, property, ROLE_TYPES);
    if (byDependency) return byDependency === role;
    const value = resource.props[property];
    if (isUnknownValue(value)) return undefined;
    return typeof value === "string" && this.roleByReference(value) === role;
  }

  /** The managed policy an ARN names: by value, else by the engine's dependency (the ARN is unknown in preview). */
  private policyByArn(holder: PackResource, property: string, arn: unknown): PackResource | undefined {
    if (typeof arn === "string") {
      const policies = this.ofType(...MANAGED_POLICY_TYPES);
      const exact = policies.filter((p) => p.props.arn === arn || p.props.policyArn === arn);
      if (exact.length === 1) return exact[0];
      const name = arn.split("/").pop();
      const named = policies.filter((p) => p.props.name === name || p.props.managedPolicyName === name || p.name === name);
      if (named.length === 1) return named[0];
    }
    const candidates = (holder.propertyDependencies[property] ?? []).map((urn) => this.byUrn.get(urn)).filter((r) => r !== undefined && MANAGED_POLICY_TYPES.includes(r.type));
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  /** Every identity-policy source that applies to the role. */
  policiesOf(role: PackResource): RolePolicies {
    const result: RolePolicies = { sources: [role], external: [], unresolved: [] };
    const attach = (holder: PackResource, property: string, arn: unknown) => {
      const policy = this.policyByArn(holder, property, arn);
      if (policy) {
        if (!result.sources.includes(policy)) result.sources.push(policy);
      } else if (isUnknownValue(arn)) result.unresolved.push(`${holder.type.split(":").pop()} '${holder.name}'`);
      else if (typeof arn === "string") result.external.push(arn);
    };
    for (const rp of this.ofType(TYPES.rolePolicy)) {
      const refers = this.refersToRole(rp, "role", role);
      if (refers) result.sources.push(rp);
      else if (refers === undefined) result.unresolved.push(`RolePolicy '${rp.name}'`);
    }
    for (const attachment of this.ofType(TYPES.rolePolicyAttachment)) {
      const refers = this.refersToRole(attachment, "role", role);
      if (refers) attach(attachment, "policyArn", attachment.props.policyArn);
      else if (refers === undefined) result.unresolved.push(`RolePolicyAttachment '${attachment.name}'`);
    }
    for (const rp of this.ofType(TYPES.nativeRolePolicy)) {
      const refers = this.refersToRole(rp, "roleName", role);
      if (refers) result.sources.push(rp);
      else if (refers === undefined) result.unresolved.push(`RolePolicy '${rp.name}'`);
    }
    for (const attachment of this.ofType(TYPES.policyAttachment)) {
      const roles = attachment.props.roles;
      if (Array.isArray(roles) && roles.some((r) => typeof r === "string" && this.roleByReference(r) === role)) {
        attach(attachment, "policyArn", attachment.props.policyArn);
      }
    }
    // aws-native ManagedPolicy names the roles it attaches to itself.
    for (const policy of this.ofType(TYPES.nativeManagedPolicy)) {
      const roles = policy.props.roles;
      if (Array.isArray(roles) && roles.some((r) => typeof r === "string" && this.roleByReference(r) === role) && !result.sources.includes(policy)) {
        result.sources.push(policy);
      }
    }
    const managed = role.props.managedPolicyArns;
    if (Array.isArray(managed)) {
      // One dependency list covers the whole array, so values decide; dependencies only stand in for unknown ones.
      for (const arn of managed) {
        const policy = typeof arn === "string" ? this.policyByArn({ ...role, propertyDependencies: {} }, "managedPolicyArns", arn) : undefined;
        if (policy) {
          if (!result.sources.includes(policy)) result.sources.push(policy);
        } else if (typeof arn === "string") result.external.push(arn);
      }
      if (managed.some(isUnknownValue)) {
        for (const urn of role.propertyDependencies.managedPolicyArns ?? []) {
          const policy = this.byUrn.get(urn);
          if (policy && MANAGED_POLICY_TYPES.includes(policy.type) && !result.sources.includes(policy)) result.sources.push(policy);
        }
      }
    }
    return result;
  }

  /**
   * Roles the stack's policies name but does not declare ("add policies to an existing role"): per role name, every
   * RolePolicy, attached Policy and aws-native policy that names it. IAM unions them, so the pack judges them together.
   */
  undeclaredRoles(): UndeclaredRole[] {
    const roles = new Map<string, UndeclaredRole>();
    const add = (reference: unknown, source: PackResource | undefined, holder: PackResource, property: string) => {
      if (typeof reference !== "string" || reference === "" || !source) return;
      if (this.dependency(holder, property, ROLE_TYPES) || this.roleByReference(reference)) return;
      const name = reference.startsWith("arn:") ? reference.slice(reference.lastIndexOf("/") + 1) : reference;
      // IAM role names are unique case-insensitively within an account.
      const key = name.toLowerCase();
      let role = roles.get(key);
      if (!role) {
        role = { name, sources: [] };
        roles.set(key, role);
      }
      if (reference.startsWith("arn:")) role.arn ??= reference;
      if (!role.sources.includes(source)) role.sources.push(source);
    };
    for (const rp of this.ofType(TYPES.rolePolicy)) add(rp.props.role, rp, rp, "role");
    for (const rp of this.ofType(TYPES.nativeRolePolicy)) add(rp.props.roleName, rp, rp, "roleName");
    for (const attachment of this.ofType(TYPES.rolePolicyAttachment)) {
      add(attachment.props.role, this.policyByArn(attachment, "policyArn", attachment.props.policyArn), attachment, "role");
    }
    for (const attachment of this.ofType(TYPES.policyAttachment)) {
      const policy = this.policyByArn(attachment, "policyArn", attachment.props.policyArn);
      const names = attachment.props.roles;
      if (Array.isArray(names)) for (const r of names) add(r, policy, attachment, "roles");
    }
    for (const policy of this.ofType(TYPES.nativeManagedPolicy)) {
      const names = policy.props.roles;
      if (Array.isArray(names)) for (const r of names) add(r, policy, policy, "roles");
    }
    return [...roles.values()];
  }

  /** The managed policy in this stack that is the role's permissions boundary, if any. */
  boundaryOf(role: PackResource): PackResource | undefined {
    const reference = role.props.permissionsBoundary;
    if (reference === undefined || reference === null || reference === "") return undefined;
    return this.policyByArn(role, "permissionsBoundary", reference);
  }

  /** The Region a resource is deployed in: its own `region` input, its provider's, or the stack's only AWS provider's. */
  regionOf(resource: PackResource): string | undefined {
    if (typeof resource.props.region === "string" && resource.props.region !== "") return resource.props.region;
    if (resource.providerRegion) return resource.providerRegion;
    const regions = new Set(
      this.ofType(TYPES.awsProvider, TYPES.awsNativeProvider)
        .map((p) => p.props.region)
        .filter((r): r is string => typeof r === "string"),
    );
    return regions.size === 1 ? [...regions][0] : undefined;
  }
}

/**
 * The Region the definition analysis builds Region-dependent ARNs in when regionOf knows none; a model then needs
 * the Region of its own ARN, so nothing is judged against this one.
 */
export const FALLBACK_REGION = "us-east-1";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
