// Rule 4 (advisory): grants wider than a Bedrock workflow needs.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { uniqueBy } from "../lib/unique";
import { foundationModelArn } from "bedrock-sfn/domain";
import { LOG_DELIVERY_ACTIONS, PROFILE_ARN_KEY, TRACING_ACTIONS } from "bedrock-sfn/domain";
import { ParsedDocument, ParsedStatement, clausesOnKey, hasWildcard, matchesAction, matchesResource, statementLabel } from "bedrock-sfn/domain";
import { routedModelArnsOf } from "../lib/bedrock-patterns";
import { bedrockPattern, invokeAllowStatements } from "../lib/bedrock-patterns";
import { LeastPrivilegeConfig, leastPrivilegeSchema, readLeastPrivilegeConfig } from "../lib/config";
import { readResourceDocuments } from "../lib/documents";
import { Finding, fixFirst, violation } from "../lib/findings";
import { configuredResourcePolicy } from "../lib/policy";
import { PackResource } from "../lib/resources";

const LEAST_PRIVILEGE = "bedrock-least-privilege";

export const leastPrivilegePolicy: ResourceValidationPolicy = configuredResourcePolicy(
  {
    name: LEAST_PRIVILEGE,
    description:
      "IAM policies should grant only what the workflow uses: no 'bedrock:*' or '*' actions, no Resource \"*\" for actions " +
      "that accept a narrower resource (e.g. any bedrock: or s3: action), and foundation models reached through an inference " +
      "profile tied to it with Condition StringEquals bedrock:InferenceProfileArn. Fix: name the actions and ARNs you need.",
    enforcementLevel: "advisory",
    configSchema: leastPrivilegeSchema,
  },
  readLeastPrivilegeConfig,
  leastPrivilegeFindings,
);

// Actions AWS documents with no resource-level permissions: they need Resource "*".
const WILDCARD_ONLY_ACTIONS = [
  ...LOG_DELIVERY_ACTIONS,
  ...TRACING_ACTIONS,
  "xray:*",
  "bedrock:List*",
  "s3:ListAllMyBuckets",
  "states:ListStateMachines",
  "states:ListActivities",
  "kms:ListKeys",
  "kms:ListAliases",
  "sqs:ListQueues",
  "sns:ListTopics",
  "lambda:ListFunctions",
  "dynamodb:ListTables",
  "secretsmanager:ListSecrets",
  "sts:GetCallerIdentity",
  "cloudwatch:PutMetricData",
];
// Services whose actions take resource ARNs, so a wildcard resource is a choice, not a necessity.
const NARROWABLE_SERVICES = ["bedrock", "s3", "states", "lambda", "dynamodb", "sqs", "sns", "kms", "secretsmanager", "logs"];

function leastPrivilegeFindings(resource: PackResource, config: LeastPrivilegeConfig = { allowResourceWildcardFor: [] }): Finding[] {
  return readResourceDocuments(resource).documents.flatMap((document) => [...broadActions(document), ...wildcardResources(document, config), ...modelsNotTiedToProfile(document)]);
}

const where = (document: ParsedDocument, statement: ParsedStatement) => `${document.source}, statement ${statementLabel(statement)}`;

function broadActions(document: ParsedDocument): Finding[] {
  const findings: Finding[] = [];
  for (const statement of document.statements.filter((s) => s.effect === "Allow")) {
    const broad = (statement.action ?? []).filter((a) => a === "*" || a.toLowerCase() === "bedrock:*");
    if (broad.length > 0) {
      findings.push(
        violation(
          fixFirst(
            `Name the actions ${where(document, statement)} needs (a workflow that calls models needs bedrock:InvokeModel only) instead of ${broad.map((a) => `'${a}'`).join(", ")}.`,
            `${where(document, statement)} allows ${broad.map((a) => `'${a}'`).join(", ")}: every Bedrock action, including model customisation, agents and guardrail changes.`,
          ),
        ),
      );
    }
    if (statement.notAction) {
      findings.push(
        violation(
          fixFirst(
            `List the actions ${where(document, statement)} needs instead of NotAction.`,
            `it allows every action except ${statement.notAction.join(", ")} (NotAction in an Allow statement).`,
          ),
        ),
      );
    }
  }
  return findings;
}

function wildcardResources(document: ParsedDocument, config: LeastPrivilegeConfig): Finding[] {
  const findings: Finding[] = [];
  const accepted = [...WILDCARD_ONLY_ACTIONS, ...config.allowResourceWildcardFor];
  for (const statement of document.statements.filter((s) => s.effect === "Allow")) {
    if (statement.notResource) {
      findings.push(
        violation(
          fixFirst(
            `Name the resources ${where(document, statement)} needs instead of NotResource.`,
            `it allows every resource except ${statement.notResource.join(", ")} (NotResource in an Allow statement).`,
          ),
        ),
      );
      continue;
    }
    if (!statement.resource?.includes("*")) continue;
    const narrowable = (statement.action ?? []).filter((action) => {
      if (action === "*") return true;
      if (!NARROWABLE_SERVICES.includes(action.split(":")[0].toLowerCase())) return false;
      return !accepted.some((a) => matchesAction(a, action));
    });
    if (narrowable.length > 0) {
      findings.push(
        violation(
          fixFirst(
            `Name the ARNs ${where(document, statement)} needs (the model or inference profile, the bucket's objects) instead of Resource "*".`,
            `it grants ${narrowable.join(", ")} on Resource "*", though these actions accept specific ARNs.`,
          ),
        ),
      );
    }
  }
  return findings;
}

// Model statements that also allow direct calls, next to a profile grant for the same model. Each statement is
// reported once, for the first profile it serves; distinct profile grants are few in any real policy, so they are
// capped to keep an adversarial document (thousands of profile ARNs) linear.
const MAX_PROFILES = 64;

function modelsNotTiedToProfile(document: ParsedDocument): Finding[] {
  const findings: Finding[] = [];
  const allows = invokeAllowStatements([document]);
  // Only a model statement not tied to a profile can be reported: without one (the component's own roles), the
  // profiles' routed ARNs are never needed.
  const untied = allows.filter(
    ({ statement }) =>
      (statement.resource ?? []).some((p) => bedrockPattern(p)?.type === "foundation-model") &&
      !clausesOnKey(statement.conditions, PROFILE_ARN_KEY).some((c) => !c.unsupported && !/Not/.test(c.operator)),
  );
  if (untied.length === 0) return [];
  const texts = new Set<string>();
  for (const { statement } of allows) {
    for (const text of statement.resource ?? []) {
      const p = bedrockPattern(text);
      if (p?.type === "inference-profile" && !hasWildcard(p.text) && texts.size < MAX_PROFILES) texts.add(text);
    }
  }
  const profiles = [...texts]
    .map((text) => {
      const profile = bedrockPattern(text)!;
      const [prefix, ...rest] = profile.id.split(".");
      if (!prefix || rest.length === 0) return undefined;
      const modelId = rest.join(".");
      const routed = routedModelArnsOf(profile.id, profile.partition, profile.region, profile.account);
      return { profile, modelId, modelArns: routed ?? [profile.region, ""].map((r) => foundationModelArn(profile.partition, r, modelId)) };
    })
    .filter((p) => p !== undefined);
  if (profiles.length === 0) return [];
  for (const { statement } of untied) {
    const modelPatterns = (statement.resource ?? []).filter((p) => bedrockPattern(p)?.type === "foundation-model");
    const served = profiles.find((p) => modelPatterns.some((pattern) => p.modelArns.some((arn) => matchesResource(pattern, arn))));
    if (!served) continue;
    const sameStatement = (statement.resource ?? []).some((p) => bedrockPattern(p)?.type === "inference-profile");
    findings.push(
      violation(
        (sameStatement
          ? `Move the foundation-model ARNs of ${where(document, statement)} into a statement of their own (the profile ARN stays where it is, without the condition) with `
          : `Add to ${where(document, statement)} `) +
          `Condition {"StringEquals": {"bedrock:InferenceProfileArn": "${served.profile.text}"}}: it allows foundation model ${served.modelId} ` +
          `without Condition bedrock:InferenceProfileArn, ` +
          `so it also allows direct calls to the model, not only calls through ${served.profile.text}.`,
      ),
    );
  }
  return dedupe(findings);
}

function dedupe(findings: Finding[]): Finding[] {
  return uniqueBy(findings, (f) => f.message);
}
