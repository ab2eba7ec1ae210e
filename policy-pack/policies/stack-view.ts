// Rule 3: the whole-stack view. For each state machine: which models its Bedrock tasks call, which role runs
// them, and whether that role's policies in this stack allow every authorisation those calls can make
// (every routed Region, the payload objects in S3).
import type { StackValidationPolicy } from "@pulumi/policy";
import {
  PLACEHOLDER_ACCOUNT,
  parseArn,
  AuthorizationRequest,
  routedRequests,
  ModelIdError,
  ResolvedModel,
  RoutingError,
  resolveModel,
  Decision,
  ParsedDocument,
  PolicySet,
  matchesAction,
  analyzeDefinition,
  requiredRequests,
  objectArn,
  type PayloadLocations,
  distributedMapRequests,
  partitionOf,
} from "bedrock-sfn/domain";
import { readResourceDocuments } from "../lib/documents";
import { rolePolicyUnion } from "../lib/role-policies";
import { Finding, note, safely, violation } from "../lib/findings";
import { stackPolicy } from "../lib/policy";
import { PackResource, STATE_MACHINE_TYPES, describeResource } from "../lib/resources";
import { FALLBACK_REGION, StackGraph } from "../lib/stack-graph";
import { findUnknown } from "../lib/values";

const STACK_VIEW = "bedrock-state-machine-role";

export const stackViewPolicy: StackValidationPolicy = stackPolicy(
  {
    name: STACK_VIEW,
    description:
      "Each Step Functions state machine that calls Bedrock (the optimized bedrock:invokeModel, the SDK's bedrockruntime " +
      "InvokeModel and Converse, model customization jobs) needs an execution role whose policies in this stack allow " +
      "every authorisation those calls make: the ModelId itself, the foundation model in every Region an inference " +
      "profile routes to, bedrock:ApplyGuardrail on its guardrails, s3:GetObject / s3:PutObject on the payload objects " +
      "of Input.S3Uri / Output.S3Uri, iam:PassRole. Fix: add the grants listed below to the role's policy.",
    enforcementLevel: "mandatory",
  },
  stackViewFindings,
);

interface Failure {
  task: string;
  request: { action: string; resource: string; why: string };
  reason: string;
  decision?: Decision;
}

function stackViewFindings(resources: PackResource[]): Finding[] {
  const graph = new StackGraph(resources);
  return graph.ofType(...STATE_MACHINE_TYPES).flatMap((machine) => safely(describeResource(machine), () => checkStateMachine(machine, graph)));
}

/** Stands for the payload bucket in the analysis: a URI computed at run time names no bucket the pack can know. */
const COMPUTED_BUCKET = "<computed-at-run-time>";

function checkStateMachine(machine: PackResource, graph: StackGraph): Finding[] {
  const here = describeResource(machine);
  // aws-native gives the definition as a JSON string (definitionString) or as an object (definition).
  const definition = machine.props.definitionString ?? machine.props.definition;
  if (findUnknown(definition)) return [note(`${here}: its definition is not known during preview; it is checked when \`pulumi up\` runs`, machine.urn)];
  if (typeof definition === "string") {
    try {
      JSON.parse(definition);
    } catch (e) {
      return [violation(`${here}: its definition is not valid JSON (${e instanceof Error ? e.message : String(e)})`, machine.urn)];
    }
  }
  const found = graph.roleOf(machine);
  const region = graph.regionOf(machine);
  const findings: Finding[] = [];
  const account =
    "role" in found
      ? accountOf(
          machine,
          found.role,
          graph.policiesOf(found.role).sources.flatMap((s) => readResourceDocuments(s).documents),
        )
      : accountOf(machine, undefined, []);
  // The one analysis of any definition (src/workflow/analysis.ts): every Bedrock integration (optimized invokeModel,
  // the SDK's InvokeModel and Converse, customization jobs), guardrails, literal S3 URIs, PassRole. Models are
  // resolved here, so a ModelId the catalog does not know is a note and a malformed one a violation.
  const models = new Map<string, ResolvedModel | undefined>();
  const analysis = analyzeDefinition(definition, {
    region: region ?? FALLBACK_REGION,
    account,
    payloadBucket: COMPUTED_BUCKET,
    resolveModel: (modelId) => {
      // Once per ModelId, however many tasks call it: resolve() reports a failure as a finding.
      if (!models.has(modelId)) models.set(modelId, resolve(modelId, region, account, here, findings, machine.urn));
      const model = models.get(modelId);
      if (!model) throw new UnresolvedModel();
      return model;
    },
  });
  if (analysis.tasks.length === 0) return [];
  if ("missing" in found) return [note(`${here} calls Bedrock, but ${found.missing}`, machine.urn)];
  const { role } = found;
  const policies = graph.policiesOf(role);
  for (const source of policies.sources) {
    const read = readResourceDocuments(source);
    if (read.notes.length > 0) findings.push(note(`${here}: ${read.notes[0].message}`, machine.urn));
  }
  // The union of the role's policies (bundled AWS-managed ones included) and its permissions boundary, indexed once.
  const union = rolePolicyUnion(role, graph);
  findings.push(...union.notes.map((n) => ({ ...n, urn: machine.urn })));
  const documents = union.documents.map((d) => d.document);
  const set = union.policies;
  const failures: Failure[] = [];
  const unsure: string[] = [];

  for (const task of analysis.tasks) {
    if (task.dynamicModelId && !task.integration.startsWith("bedrock:createModelCustomizationJob")) {
      unsure.push(`task '${task.state}' computes its ModelId at run time, so the models it calls cannot be checked`);
    }
    if (!task.integration.startsWith("bedrock:createModelCustomizationJob")) {
      for (const modelId of task.modelIds) {
        const model = models.get(modelId);
        if (model) decide(routedRequests(model), task.state, set, failures, unsure);
      }
    }
    // The task's other authorisations, from the same analysis: S3 payloads, guardrails, PassRole.
    const own = requiredRequests({ ...analysis, tasks: [task], models: [], statements: [] }, { region: region ?? FALLBACK_REGION });
    const computed = own.filter((r) => r.resource.includes(`:::${COMPUTED_BUCKET}/`));
    decide(
      own.filter((r) => !computed.includes(r)),
      task.state,
      set,
      failures,
      unsure,
    );
    for (const request of computed) computedPayload(task.state, request.action, analysis.payloads, documents, set, failures, unsure);
  }
  // Customization jobs' own actions (create, track) are statements of the whole analysis, not of one task.
  const jobs = requiredRequests({ ...analysis, tasks: [], models: [] }, { region: region ?? FALLBACK_REGION });
  decide(jobs, "model customization", set, failures, unsure);
  // A Distributed Map's own calls (batch = map): its child executions of this very state machine, its items, its results.
  const machineArn = stateMachineArnOf(machine, region, account);
  if (machineArn) decide(distributedMapRequests(definition, { stateMachineArn: machineArn, region: region ?? FALLBACK_REGION }), "Distributed Map", set, failures, unsure);
  for (const problem of analysis.problems.filter((p) => !/ModelId '|compute[s]? ModelId at run time/.test(p))) unsure.push(`cannot be checked: ${problem}`);

  const roleText = describeResource(role);
  for (const reason of unsure) findings.push(note(`${here} (role ${roleText}): ${reason}`, machine.urn));
  if (failures.length > 0) {
    const read = [
      ...policies.sources.filter((p) => p !== role || documents.some((d) => d.source.endsWith(`of ${roleText}`))).map(describeResource),
      ...union.bundled.map((b) => `AWS managed ${b.name} (bundled copy)`),
    ];
    const external =
      union.external.length > 0 ? `\n  The role also has policies this pack cannot read (${union.external.join(", ")}); if one of them grants these, ignore this.` : "";
    findings.push(
      violation(
        `${firstStep(failures, roleText)}\n  Why: ${here} runs as ${roleText}, whose policies in this stack (${read.join(", ") || "none"}) do not allow ${failures.length} ` +
          `authorisation(s) its Bedrock tasks make; those calls would fail with AccessDeniedException:` +
          describeFailures(failures) +
          external,
        machine.urn,
      ),
    );
  }
  if (policies.unresolved.length > 0) {
    findings.push(
      note(`${here}: ${policies.unresolved.join(", ")} may attach further policies to ${roleText}; which role they attach to is not known during preview`, machine.urn),
    );
  }
  return findings;
}

/** The machine's ARN: recorded, or built from its name (a batch's name is fixed at preview); undefined when neither is known. */
function stateMachineArnOf(machine: PackResource, region: string | undefined, account: string): string | undefined {
  if (typeof machine.props.arn === "string" && machine.props.arn.includes(":stateMachine:")) return machine.props.arn;
  const name = machine.props.name ?? machine.props.stateMachineName;
  if (typeof name !== "string" || !region || !/^[A-Za-z0-9_-]+$/.test(name)) return undefined;
  return `arn:${partitionOf(region)}:states:${region}:${account}:stateMachine:${name}`;
}

/** A model resolve() already reported (note or violation); the analysis records it as a problem, ignored here. */
class UnresolvedModel extends Error {}

/** The first line: what to change, the Deny or condition when one of them decided, else the grants to add. */
function firstStep(failures: Failure[], roleText: string): string {
  const deny = failures.find((f) => f.decision?.verdict === "explicit-deny")?.decision?.statement;
  if (deny) return `Remove or narrow Deny statement ${deny.label} of ${deny.document}: it refuses calls the workflow of ${roleText} makes (listed below).`;
  const blocking = failures.find((f) => f.decision?.blockingCondition)?.decision?.blockingCondition;
  if (blocking) return `Change the condition ${blocking.text} of statement ${blocking.statement.label} of ${blocking.statement.document}: it does not hold for ${blocking.actual}.`;
  return `Add Allow statements to the policies of ${roleText} for the ${failures.length} authorisation(s) listed below.`;
}

/** Grouped by task; a reason is shown only when it says more than "nothing allows it". */
function describeFailures(failures: Failure[]): string {
  const tasks = [...new Set(failures.map((f) => f.task))];
  return tasks
    .map((task) => {
      const lines = failures
        .filter((f) => f.task === task)
        .map((f) => {
          // A bare implicit deny says no more than the line itself; any other decision says why.
          const bare = f.decision?.verdict === "implicit-deny" && !f.decision.byBoundary && !f.decision.misses;
          const reason = bare ? "" : ` - ${f.reason}`;
          return `\n    ${f.request.action} on ${f.request.resource} (${f.request.why})${reason}`;
        });
      return `\n  task '${task}':${lines.join("")}`;
    })
    .join("");
}

function resolve(modelId: string, region: string | undefined, account: string, where: string, findings: Finding[], urn: string): ResolvedModel | undefined {
  const sourceRegion = region ?? (modelId.startsWith("arn:") ? parseArn(modelId)?.region : undefined);
  if (!sourceRegion) {
    findings.push(note(`${where} calls ${modelId}, but the stack's Region is unknown (set aws:region, or give the state machine a region)`, urn));
    return undefined;
  }
  try {
    return resolveModel({ modelId, sourceRegion, account });
  } catch (e) {
    if (e instanceof ModelIdError) findings.push(violation(`${where}: ModelId ${e.message}`, urn));
    // Routing only AWS or config can tell is not a fault of the role: say so, judge nothing.
    else if (e instanceof RoutingError && e.kind === "routing-unknown") findings.push(note(`${where}: ${e.message}`, urn));
    else if (e instanceof RoutingError) findings.push(violation(`${where}: ${e.message}`, urn));
    else throw e;
    return undefined;
  }
}

function decide(
  requests: (Pick<AuthorizationRequest, "action" | "resource" | "why"> & Partial<Pick<AuthorizationRequest, "context">>)[],
  task: string,
  policies: PolicySet,
  failures: Failure[],
  unsure: string[],
): void {
  for (const request of requests) {
    const decision = policies.evaluate(request);
    if (decision.allowed) continue;
    if (decision.verdict === "cannot-judge") unsure.push(`task '${task}': ${request.action} on ${request.resource}: ${decision.reason}`);
    else failures.push({ task, request, reason: decision.reason, decision });
  }
}

/**
 * A payload URI computed at run time: judged on the S3 literals the definition names for it (or, for input, the
 * prefix a Choice state checks it against); with none, the role must at least grant the action on some object.
 */
function computedPayload(task: string, action: string, locations: PayloadLocations, documents: ParsedDocument[], set: PolicySet, failures: Failure[], unsure: string[]): void {
  const field = action === "s3:GetObject" ? "Input.S3Uri" : "Output.S3Uri";
  const places = action === "s3:GetObject" ? (locations.input.length > 0 ? locations.input : locations.elsewhere) : locations.output;
  if (places.length === 0) {
    if (grantsActionAnywhere(documents, action)) {
      unsure.push(`task '${task}' passes ${field} computed at run time; the pack cannot tell which bucket it names, so check that the role's ${action} grant covers it`);
    } else {
      failures.push({
        task,
        request: { action, resource: "arn:aws:s3:::<bucket>/<key>", why: `${field} is computed at run time` },
        reason: `the role allows ${action} on no S3 object at all`,
      });
    }
    return;
  }
  const requests = places.map((place) => ({ action, resource: objectArn(place), why: `${field} ${place.exact ? "names" : "starts with"} s3://${place.bucket}/${place.key}` }));
  decide(requests, task, set, failures, unsure);
}

/** Does any Allow statement cover the action, whatever its resource? */
function grantsActionAnywhere(documents: ParsedDocument[], action: string): boolean {
  return documents.some((d) =>
    d.statements.some((s) => s.effect === "Allow" && (s.action ? s.action.some((p) => matchesAction(p, action)) : !s.notAction!.some((p) => matchesAction(p, action)))),
  );
}

/** The account for profile ARNs: the ModelId's, the role's, or one a Bedrock grant of the role names. */
function accountOf(machine: PackResource, role: PackResource | undefined, documents: ParsedDocument[]): string {
  for (const value of [role?.props.arn, machine.props.roleArn, machine.props.arn]) {
    const account = typeof value === "string" ? parseArn(value)?.account : undefined;
    if (account && /^\d{12}$/.test(account)) return account;
  }
  for (const document of documents) {
    for (const statement of document.statements) {
      for (const text of statement.resource ?? []) {
        const arn = parseArn(text);
        if (arn?.service === "bedrock" && /^\d{12}$/.test(arn.account)) return arn.account;
      }
    }
  }
  return PLACEHOLDER_ACCOUNT;
}
