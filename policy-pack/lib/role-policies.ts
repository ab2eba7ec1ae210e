// The union of the identity policies that apply to one role in the stack (inline, RolePolicy, attached Policy,
// managedPolicyArns, and the AWS-managed policies this pack bundles), with its permissions boundary, as one indexed
// PolicySet: IAM judges a role's calls against all of them together, so the pack does too.
import { FilledContext, ParsedDocument, PolicySet, awsRequestContext, readPolicyDocument } from "../../iam";
import { ManagedPolicyData, bundledManagedPolicy } from "./managed-policies";
import { readResourceDocuments } from "./documents";
import { Finding, note } from "./findings";
import { PackResource, describeResource } from "./resources";
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
  notes.push(note(`${describeResource(role)} has a permissions boundary (${typeof reference === "string" ? reference : "not known during preview"}) that is not managed in this stack, so what it allows cannot be read here`, role.urn));
  return undefined;
}
