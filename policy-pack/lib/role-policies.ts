// The union of the identity policies that apply to one role in the stack (inline, RolePolicy, attached Policy,
// managedPolicyArns, and the AWS-managed policies this pack bundles), with its permissions boundary, as one indexed
// PolicySet: IAM judges a role's calls against all of them together, so the pack does too.
import { FilledContext, PRINCIPAL_ACCOUNT_KEY, ParsedDocument, PolicySet, awsRequestContext, readPolicyDocument } from "bedrock-sfn/domain";
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
  const roleArn = typeof role.props.arn === "string" ? role.props.arn : undefined;
  const context = awsRequestContext({ principalArn: roleArn });
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
      const principal = union.context.context[PRINCIPAL_ACCOUNT_KEY];
      const accounts = [...new Set([...(typeof principal === "string" ? [principal] : []), ...accountsOf(documents)])];
      const scope = union.documents.length > 1 ? `the policies of ${describeResource(role)}` : "the same document";
      for (const { document, from } of union.documents) {
        if (!from) continue;
        judged.add(from);
        scopes.push({ document, from, documents, policies: union.policies, accounts, scope });
      }
    } catch (e) {
      notes.push(note(`${describeResource(role)}: its policies could not be read together (${e instanceof Error ? e.message : String(e)})`, role.urn));
    }
  }
  for (const resource of resources) {
    if (judged.has(resource) || !POLICY_RESOURCE_TYPES.includes(resource.type)) continue;
    for (const document of readResourceDocuments(resource).documents) {
      const { context, unknownKeys } = awsRequestContext();
      const policies = new PolicySet([document], { context, unknownContextKeys: unknownKeys });
      scopes.push({ document, from: resource, documents: [document], policies, accounts: accountsOf([document]), scope: "the same document" });
    }
  }
  return { scopes, notes };
}
