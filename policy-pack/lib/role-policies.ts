// The union of the identity policies that apply to one role in the stack (inline, RolePolicy, attached Policy,
// managedPolicyArns, and the AWS-managed policies this pack bundles), with its permissions boundary, as one indexed
// PolicySet: IAM judges a role's calls against all of them together, so the pack does too.
import { FilledContext, PRINCIPAL_ACCOUNT_KEY, PRINCIPAL_ARN_KEY, ParsedDocument, PolicySet, accountOfArn, awsRequestContext, readPolicyDocument } from "bedrock-sfn/domain";
import { ManagedPolicyData, bundledManagedPolicy } from "./managed-policies";
import { POLICY_RESOURCE_TYPES, readResourceDocuments } from "./documents";
import { Finding, note } from "./findings";
import { PackResource, ROLE_TYPES, describeResource } from "./resources";
import { StackGraph } from "./stack-graph";

export interface RolePolicyUnion {
  role: PackResource;
  /** Every document, with the resource it came from (the role itself for inline policies; none for bundled ones). */
  documents: { document: ParsedDocument; from?: PackResource }[];
  policies: PolicySet;
  /** Managed policies attached by ARN that the pack can neither read in the stack nor finds bundled. */
  external: string[];
  bundled: ManagedPolicyData[];
  /** Notes about parts that cannot be read (preview unknowns, boundary outside the stack). */
  notes: Finding[];
  context: FilledContext;
}

export function rolePolicyUnion(role: PackResource, graph: StackGraph): RolePolicyUnion {
  const policies = graph.policiesOf(role);
  const documents: RolePolicyUnion["documents"] = [];
  const notes: Finding[] = [];
  for (const source of policies.sources) {
    for (const document of readResourceDocuments(source).documents) documents.push({ document, from: source });
  }
  const external: string[] = [];
  const bundled: ManagedPolicyData[] = [];
  for (const arn of policies.external) {
    const data = bundledManagedPolicy(arn);
    if (!data) {
      external.push(arn);
      continue;
    }
    bundled.push(data);
    const read = readPolicyDocument(data.document, `AWS managed policy ${data.name} (bundled copy, ${data.provenance})`);
    if (read.document) documents.push({ document: read.document });
  }
  const boundary = boundaryDocuments(role, graph, notes);
  const context = awsRequestContext({ principalArn: principalOf(role).arn, tags: stringTags(role.props.tags) });
  const set = new PolicySet(
    documents.map((d) => d.document),
    { boundary, context: context.context, unknownContextKeys: context.unknownKeys },
  );
  return { role, documents, policies: set, external, bundled, notes, context };
}

/** The permissions boundary's documents, or undefined when the role has none (or it cannot be read: then a note). */
function boundaryDocuments(role: PackResource, graph: StackGraph, notes: Finding[]): ParsedDocument[] | undefined {
  const reference = role.props.permissionsBoundary;
  if (reference === undefined || reference === null || reference === "") return undefined;
  const policy = graph.boundaryOf(role);
  if (policy) return readResourceDocuments(policy).documents;
  const data = typeof reference === "string" ? bundledManagedPolicy(reference) : undefined;
  if (data) {
    const read = readPolicyDocument(data.document, `AWS managed policy ${data.name} (bundled copy, ${data.provenance})`);
    return read.document ? [read.document] : undefined;
  }
  notes.push(
    note(
      `${describeResource(role)} has a permissions boundary (${typeof reference === "string" ? reference : "not known during preview"}) that is not managed in this stack, so what it allows cannot be read here`,
      role.urn,
    ),
  );
  return undefined;
}

/** What the pack knows of the role whose calls are judged, to fill the request context AWS would. */
export interface Principal {
  name?: string;
  /** The role's path (`/` unless the role says otherwise). */
  path: string;
  arn?: string;
  account?: string;
}

function principalOf(role: PackResource): Principal {
  const arn = typeof role.props.arn === "string" ? role.props.arn : undefined;
  const name = [role.props.name, role.props.roleName].find((n): n is string => typeof n === "string" && n !== "");
  const path = typeof role.props.path === "string" && role.props.path !== "" ? role.props.path : "/";
  return { name, path, arn, account: accountOfArn(arn) };
}

function stringTags(tags: unknown): Record<string, string> | undefined {
  if (typeof tags !== "object" || tags === null) return undefined;
  // aws-native lists tags as [{key, value}]; the classic provider as a map.
  const entries: [unknown, unknown][] = Array.isArray(tags) ? tags.map((t) => [(t as Record<string, unknown>)?.key, (t as Record<string, unknown>)?.value]) : Object.entries(tags);
  const out: Record<string, string> = {};
  for (const [k, v] of entries) if (typeof k === "string" && typeof v === "string") out[k] = v;
  return out;
}

/**
 * The principal keys of one call, filled for the account a system profile ARN names when the role's own ARN is not
 * known (system inference-profile ARNs carry the caller's account, so that is the account a working call comes from).
 */
export function principalContext(principal: Principal, account: string | undefined, partition: string): Record<string, string> {
  const context: Record<string, string> = {};
  if (principal.account || !account) return context;
  context[PRINCIPAL_ACCOUNT_KEY] = account;
  if (principal.name && !principal.arn) context[PRINCIPAL_ARN_KEY] = `arn:${partition}:iam::${account}:role${principal.path}${principal.name}`;
  return context;
}

/** One document to judge, with the policies it is judged together with (its role's union, or itself alone). */
export interface DocumentScope {
  document: ParsedDocument;
  /** The resource that carries the document (findings are reported on it). */
  from: PackResource;
  /** Every document that decides together with this one. */
  documents: ParsedDocument[];
  policies: PolicySet;
  /** Accounts to try for wildcard account fields: the role's own, then those the documents name. */
  accounts: string[];
  /** For messages: "the policies of Role 'x'" or "the same document". */
  scope: string;
  /** The role the document applies to (empty when the document is attached to no role the stack names). */
  principal: Principal;
}

/**
 * Each IAM document of the stack with the scope IAM judges it in: every document of a role's union (bundled
 * AWS-managed ones are context, not reported on), then every document attached to no role in the stack, alone.
 * A role whose union cannot be built becomes a note; the other roles are still judged.
 */
export function documentScopes(resources: PackResource[], accountsOf: (documents: ParsedDocument[]) => string[]): { scopes: DocumentScope[]; notes: Finding[] } {
  const graph = new StackGraph(resources);
  const scopes: DocumentScope[] = [];
  const notes: Finding[] = [];
  const judged = new Set<PackResource>();
  for (const role of graph.ofType(...ROLE_TYPES)) {
    try {
      const union = rolePolicyUnion(role, graph);
      const documents = union.documents.map((d) => d.document);
      const account = union.context.context[PRINCIPAL_ACCOUNT_KEY];
      const accounts = [...new Set([...(typeof account === "string" ? [account] : []), ...accountsOf(documents)])];
      const scope = union.documents.length > 1 ? `the policies of ${describeResource(role)}` : "the same document";
      const principal = principalOf(role);
      for (const { document, from } of union.documents) {
        if (!from) continue;
        judged.add(from);
        scopes.push({ document, from, documents, policies: union.policies, accounts, scope, principal });
      }
    } catch (e) {
      notes.push(note(`${describeResource(role)}: its policies could not be read together (${e instanceof Error ? e.message : String(e)})`, role.urn));
    }
  }
  // Policies added to a role the stack does not declare: IAM unions every policy of that role, so the pack does too.
  for (const role of graph.undeclaredRoles()) {
    const sources = role.sources.filter((s) => !judged.has(s));
    const read = sources.map((from) => ({ from, documents: readResourceDocuments(from).documents }));
    const documents = read.flatMap((r) => r.documents);
    if (documents.length === 0) continue;
    const principal: Principal = { name: role.name, path: "/", arn: role.arn, account: accountOfArn(role.arn) };
    const { context, unknownKeys } = awsRequestContext({ principalArn: role.arn });
    const policies = new PolicySet(documents, { context, unknownContextKeys: unknownKeys });
    const scope = documents.length > 1 ? `the policies of role '${role.name}' in this stack` : "the same document";
    const accounts = [...new Set([...(principal.account ? [principal.account] : []), ...accountsOf(documents)])];
    for (const { from, documents: own } of read) {
      judged.add(from);
      for (const document of own) scopes.push({ document, from, documents, policies, accounts, scope, principal });
    }
  }
  for (const resource of resources) {
    if (judged.has(resource) || !POLICY_RESOURCE_TYPES.includes(resource.type)) continue;
    for (const document of readResourceDocuments(resource).documents) {
      const { context, unknownKeys } = awsRequestContext();
      const policies = new PolicySet([document], { context, unknownContextKeys: unknownKeys });
      scopes.push({ document, from: resource, documents: [document], policies, accounts: accountsOf([document]), scope: "the same document", principal: { path: "/" } });
    }
  }
  return { scopes, notes };
}
