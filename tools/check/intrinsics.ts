// CloudFormation's intrinsic functions, resolved offline: pseudo-parameters from --region/--account, parameters from
// their defaults or --parameter, Ref/GetAtt of the template's own resources as the names and ARNs CloudFormation would
// give them. What only a deployment knows becomes Pulumi's "unknown" marker, so the pack says it cannot judge it.
import { partitionOf } from "../../src/bedrock/arn";

/** Pulumi's analyzer sentinel for an unknown string: the pack reads it as "not known yet" (policy-pack/lib/values.ts). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** `AWS::NoValue`: the property (or list element) is removed. */
const NO_VALUE = Symbol("AWS::NoValue");

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface Environment {
  region: string;
  account: string;
  /** --parameter K=V: these win over the template's defaults. */
  parameters: Record<string, string>;
}

/** One resolution: the value, and the logical IDs of the template's resources it was built from. */
export interface Resolved {
  value: unknown;
  refs: Set<string>;
}

export class TemplateResolver {
  readonly partition: string;
  private readonly parameters = new Map<string, unknown>();
  private readonly conditions = new Map<string, boolean | undefined>();
  private readonly naming = new Set<string>();
  /** What was assumed or left unknown, once per message. */
  readonly notes = new Set<string>();

  constructor(
    private readonly template: Record<string, unknown>,
    private readonly env: Environment,
  ) {
    this.partition = partitionOf(env.region);
  }

  get resources(): Record<string, TemplateResource> {
    const r = this.template.Resources;
    return typeof r === "object" && r !== null ? (r as Record<string, TemplateResource>) : {};
  }

  /** Resolves every intrinsic in the value; `refs` collects the resources it refers to. */
  resolve(value: unknown, refs: Set<string> = new Set()): Resolved {
    const out = this.walk(value, refs, 0);
    return { value: out === NO_VALUE ? undefined : out, refs };
  }

  private walk(value: unknown, refs: Set<string>, depth: number): unknown {
    if (depth > 200) throw new Error("the template nests intrinsic functions more than 200 levels deep");
    if (Array.isArray(value)) return value.map((v) => this.walk(v, refs, depth + 1)).filter((v) => v !== NO_VALUE);
    if (typeof value !== "object" || value === null) return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === "Ref" || keys[0].startsWith("Fn::"))) return this.intrinsic(keys[0], (value as Record<string, unknown>)[keys[0]], refs, depth);
    // fromEntries defines own properties: a key such as "__proto__" in a template stays data.
    const entries: [string, unknown][] = [];
    for (const key of keys) {
      const v = this.walk((value as Record<string, unknown>)[key], refs, depth + 1);
      if (v !== NO_VALUE) entries.push([key, v]);
    }
    return Object.fromEntries(entries);
  }

  private intrinsic(name: string, arg: unknown, refs: Set<string>, depth: number): unknown {
    const walk = (v: unknown) => this.walk(v, refs, depth + 1);
    switch (name) {
      case "Ref":
        return this.ref(String(walk(arg)), refs);
      case "Fn::GetAtt": {
        const a = walk(arg);
        const [id, ...attribute] = Array.isArray(a) ? a.map(String) : String(a).split(".");
        return this.getAtt(id, attribute.join("."), refs);
      }
      case "Fn::Sub":
        return this.sub(arg, refs, depth);
      case "Fn::Join": {
        const [delimiter, list] = asList(walk(arg));
        const parts = walk(list);
        if (!Array.isArray(parts) || parts.some((p) => typeof p !== "string" && typeof p !== "number" && typeof p !== "boolean")) return UNKNOWN;
        return parts.some((p) => p === UNKNOWN) ? UNKNOWN : parts.join(String(delimiter ?? ""));
      }
      case "Fn::Select": {
        const [index, list] = asList(walk(arg));
        return Array.isArray(list) && list[Number(index)] !== undefined ? list[Number(index)] : UNKNOWN;
      }
      case "Fn::Split": {
        const [delimiter, text] = asList(walk(arg));
        return typeof text === "string" && text !== UNKNOWN ? text.split(String(delimiter)) : UNKNOWN;
      }
      case "Fn::If": {
        const [condition, whenTrue, whenFalse] = asList(arg);
        const chosen = this.condition(String(condition), refs, depth);
        if (chosen === undefined) this.notes.add(`Fn::If ${String(condition)}: the condition depends on what only a deployment knows; judged with its first (true) branch`);
        return walk(chosen === false ? whenFalse : whenTrue);
      }
      case "Fn::FindInMap": {
        const [map, top, second] = asList(walk(arg));
        const found = (((this.template.Mappings as Record<string, unknown>)?.[String(map)] as Record<string, unknown>)?.[String(top)] as Record<string, unknown>)?.[String(second)];
        return found === undefined ? UNKNOWN : walk(found);
      }
      case "Fn::ImportValue": {
        this.notes.add(`Fn::ImportValue ${JSON.stringify(walk(arg))}: another stack's export is not known here`);
        return UNKNOWN;
      }
      case "Fn::Base64": {
        const text = walk(arg);
        return typeof text === "string" && text !== UNKNOWN ? Buffer.from(text).toString("base64") : UNKNOWN;
      }
      case "Fn::ToJsonString": {
        const v = walk(arg);
        return JSON.stringify(v).includes(UNKNOWN) ? UNKNOWN : JSON.stringify(v);
      }
      case "Fn::Equals":
      case "Fn::And":
      case "Fn::Or":
      case "Fn::Not":
        return this.booleanOf(name, arg, refs, depth);
      default:
        return UNKNOWN;
    }
  }

  private ref(name: string, refs: Set<string>): unknown {
    switch (name) {
      case "AWS::Region":
        return this.env.region;
      case "AWS::AccountId":
        return this.env.account;
      case "AWS::Partition":
        return this.partition;
      case "AWS::URLSuffix":
        return this.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
      case "AWS::StackName":
        return "stack";
      case "AWS::StackId":
        return `arn:${this.partition}:cloudformation:${this.env.region}:${this.env.account}:stack/stack/00000000-0000-0000-0000-000000000000`;
      case "AWS::NoValue":
        return NO_VALUE;
    }
    if (name in this.resources) {
      refs.add(name);
      return this.refOfResource(name);
    }
    return this.parameter(name);
  }

  private parameter(name: string): unknown {
    if (this.parameters.has(name)) return this.parameters.get(name);
    const spec = (this.template.Parameters as Record<string, Record<string, unknown>> | undefined)?.[name];
    let value: unknown = UNKNOWN;
    const given = this.env.parameters[name] ?? (spec && spec.Default !== undefined ? String(spec.Default) : undefined);
    if (!spec && given === undefined) this.notes.add(`Ref ${name}: no such parameter or resource in the template`);
    else if (given === undefined) this.notes.add(`parameter ${name} has no default: give it with --parameter ${name}=<value>`);
    else if (typeof spec?.Type === "string" && spec.Type.startsWith("AWS::SSM::Parameter::Value")) {
      if (name in this.env.parameters) value = given;
      else this.notes.add(`parameter ${name} is read from SSM (${given}) at deployment: give it with --parameter ${name}=<value>`);
    } else value = typeof spec?.Type === "string" && /^(CommaDelimitedList|List<)/.test(spec.Type) ? given.split(",").map((s) => s.trim()) : given;
    this.parameters.set(name, value);
    return value;
  }

  private condition(name: string, refs: Set<string>, depth: number): boolean | undefined {
    if (this.conditions.has(name)) return this.conditions.get(name);
    this.conditions.set(name, undefined);
    const spec = (this.template.Conditions as Record<string, unknown> | undefined)?.[name];
    const value = spec === undefined ? undefined : this.walk(spec, refs, depth + 1);
    const result = typeof value === "boolean" ? value : undefined;
    this.conditions.set(name, result);
    return result;
  }

  private booleanOf(name: string, arg: unknown, refs: Set<string>, depth: number): boolean | typeof UNKNOWN {
    const items = asList(arg).map((a) =>
      typeof a === "object" && a !== null && "Condition" in a ? this.condition(String((a as Record<string, unknown>).Condition), refs, depth) : this.walk(a, refs, depth + 1),
    );
    if (name === "Fn::Equals") return items.some((i) => i === UNKNOWN || i === undefined) ? UNKNOWN : JSON.stringify(items[0]) === JSON.stringify(items[1]);
    const bools = items.map((i) => (typeof i === "boolean" ? i : undefined));
    if (name === "Fn::Not") return bools[0] === undefined ? UNKNOWN : !bools[0];
    if (name === "Fn::And") return bools.includes(false) ? false : bools.includes(undefined) ? UNKNOWN : true;
    return bools.includes(true) ? true : bools.includes(undefined) ? UNKNOWN : false;
  }

  /** A resource's name: its name property when the template sets one, else its logical ID (CloudFormation adds a suffix). */
  nameOf(id: string, property?: string): string {
    const value = property ? this.resources[id]?.Properties?.[property] : undefined;
    if (value === undefined || this.naming.has(id)) return id;
    this.naming.add(id);
    try {
      const name = this.resolve(value).value;
      return typeof name === "string" && name !== UNKNOWN ? name : id;
    } finally {
      this.naming.delete(id);
    }
  }

  /** The ARN CloudFormation gives the role (GetAtt Arn). */
  roleArn(id: string): string {
    const path = this.nameOf(id, "Path");
    return `arn:${this.partition}:iam::${this.env.account}:role${path.startsWith("/") ? path : "/"}${this.nameOf(id, "RoleName")}`;
  }

  managedPolicyArn(id: string): string {
    const path = this.nameOf(id, "Path");
    return `arn:${this.partition}:iam::${this.env.account}:policy${path.startsWith("/") ? path : "/"}${this.nameOf(id, "ManagedPolicyName")}`;
  }

  stateMachineArn(id: string): string {
    const name = this.nameOf(id, this.resources[id]?.Type === "AWS::Serverless::StateMachine" ? "Name" : "StateMachineName");
    return `arn:${this.partition}:states:${this.env.region}:${this.env.account}:stateMachine:${name}`;
  }

  private refOfResource(id: string): unknown {
    switch (this.resources[id]?.Type) {
      case "AWS::IAM::Role":
        return this.nameOf(id, "RoleName");
      case "AWS::IAM::ManagedPolicy":
        return this.managedPolicyArn(id);
      case "AWS::StepFunctions::StateMachine":
      case "AWS::Serverless::StateMachine":
        return this.stateMachineArn(id);
      case "AWS::S3::Bucket":
        return this.nameOf(id, "BucketName").toLowerCase();
      case "AWS::Lambda::Function":
      case "AWS::Serverless::Function":
        return this.nameOf(id, "FunctionName");
      default:
        return id;
    }
  }

  private getAtt(id: string, attribute: string, refs: Set<string>): unknown {
    if (!(id in this.resources)) {
      this.notes.add(`Fn::GetAtt ${id}.${attribute}: no such resource in the template`);
      return UNKNOWN;
    }
    refs.add(id);
    const type = this.resources[id].Type;
    if (type === "AWS::IAM::Role" && attribute === "Arn") return this.roleArn(id);
    if (type === "AWS::IAM::ManagedPolicy" && attribute === "PolicyArn") return this.managedPolicyArn(id);
    if ((type === "AWS::StepFunctions::StateMachine" || type === "AWS::Serverless::StateMachine") && attribute === "Arn") return this.stateMachineArn(id);
    if (type === "AWS::S3::Bucket" && attribute === "Arn") return `arn:${this.partition}:s3:::${this.nameOf(id, "BucketName").toLowerCase()}`;
    if ((type === "AWS::Lambda::Function" || type === "AWS::Serverless::Function") && attribute === "Arn") {
      return `arn:${this.partition}:lambda:${this.env.region}:${this.env.account}:function:${this.nameOf(id, "FunctionName")}`;
    }
    return UNKNOWN;
  }

  /** Fn::Sub: `${Name}` from the variable map, a parameter, a pseudo-parameter or a resource; `${!Literal}` stays. */
  private sub(arg: unknown, refs: Set<string>, depth: number): unknown {
    const [template, variables] = Array.isArray(arg) ? arg : [arg, {}];
    const text = this.walk(template, refs, depth + 1);
    if (typeof text !== "string") return UNKNOWN;
    const vars = (this.walk(variables ?? {}, refs, depth + 1) ?? {}) as Record<string, unknown>;
    let unknown = false;
    const out = text.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
      if (inner.startsWith("!")) return `\${${inner.slice(1)}}`;
      const name = inner.trim();
      const value = Object.hasOwn(vars, name)
        ? vars[name]
        : name.includes(".") && !name.startsWith("AWS::")
          ? this.getAtt(name.split(".")[0], name.split(".").slice(1).join("."), refs)
          : this.ref(name, refs);
      if (value === UNKNOWN || value === NO_VALUE || value === undefined) {
        unknown = true;
        return whole;
      }
      return Array.isArray(value) ? value.join(",") : String(value);
    });
    return unknown ? UNKNOWN : out;
  }
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
