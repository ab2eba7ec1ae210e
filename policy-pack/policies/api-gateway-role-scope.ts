// Rule: a role that API Gateway assumes may call Step Functions only on the state machines its integrations
// front (their executions included), and only with the calls a front door makes. A broader role lets anyone who
// can reach one API method start, stop or rewrite other workflows through it.
import type { StackValidationPolicy } from "@pulumi/policy";
import { executionArnPattern, ParsedStatement, matchesAction, matchesResource, statementLabel } from "bedrock-sfn/domain";
import { readResourceDocuments } from "../lib/documents";
import { Finding, arnList, note, safely, violation } from "../lib/findings";
import { stackPolicy } from "../lib/policy";
import { PackResource, TYPES, describeResource } from "../lib/resources";
import { StackGraph } from "../lib/stack-graph";
import { findUnknown } from "../lib/values";

export const API_GATEWAY_ROLE_SCOPE = "api-gateway-role-scope";
const INTEGRATION_TYPE = "aws:apigateway/integration:Integration";
const API_GATEWAY_SERVICE = "apigateway.amazonaws.com";
/** The calls an API front door to a workflow makes: start (sync or not), read or stop its executions. */
const FRONT_DOOR_ACTIONS = ["states:StartSyncExecution", "states:StartExecution", "states:DescribeExecution", "states:StopExecution"];
const STATE_MACHINE_ARN = /arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]+/g;

export const apiGatewayRoleScopePolicy: StackValidationPolicy = stackPolicy(
  {
    name: API_GATEWAY_ROLE_SCOPE,
    description:
      "A role trusted by API Gateway may call only states:StartSyncExecution, StartExecution, DescribeExecution or " +
      "StopExecution, and only on the state machines its integrations front (and their executions). Fix: name those " +
      "actions and the state machine's ARN (executions: arn:...:execution:<name>:*) instead of wildcards.",
    enforcementLevel: "mandatory",
  },
  apiGatewayRoleScopeFindings,
);

function apiGatewayRoleScopeFindings(resources: PackResource[]): Finding[] {
  const graph = new StackGraph(resources);
  return graph
    .ofType(TYPES.role)
    .filter(trustsApiGateway)
    .flatMap((role) => safely(describeResource(role), () => checkRole(role, graph, resources)));
}

function trustsApiGateway(role: PackResource): boolean {
  let trust: unknown = role.props.assumeRolePolicy;
  if (typeof trust === "string") {
    try {
      trust = JSON.parse(trust);
    } catch {
      return false;
    }
  }
  const statements = (trust as { Statement?: unknown })?.Statement;
  return (Array.isArray(statements) ? statements : [statements]).some((s) => {
    const service = (s as { Principal?: { Service?: unknown } })?.Principal?.Service;
    return (Array.isArray(service) ? service : [service]).includes(API_GATEWAY_SERVICE);
  });
}

/** The state machines named in the request templates of integrations that use this role as credentials. */
function frontedStateMachines(role: PackResource, resources: PackResource[]): { arns: string[]; unknown: boolean } {
  const arns = new Set<string>();
  let unknown = false;
  for (const integration of resources.filter((r) => r.type === INTEGRATION_TYPE)) {
    const credentials = integration.props.credentials;
    const byDependency = (integration.propertyDependencies.credentials ?? []).includes(role.urn);
    const byValue = typeof credentials === "string" && namesRole(credentials, role);
    if (!byDependency && !byValue) {
      if (findUnknown(credentials)) unknown = true;
      continue;
    }
    const templates = integration.props.requestTemplates;
    if (findUnknown(templates)) unknown = true;
    for (const template of Object.values((templates as Record<string, unknown>) ?? {})) {
      if (typeof template === "string") for (const arn of template.match(STATE_MACHINE_ARN) ?? []) arns.add(arn);
    }
  }
  return { arns: [...arns], unknown };
}

/** A role ARN naming this role: by its ARN or name, or Pulumi's auto-name (`<logical name>-<7 hex>`). */
function namesRole(arn: string, role: PackResource): boolean {
  const name = arn.split("/").pop() ?? "";
  return arn === role.props.arn || name === role.props.name || name === role.name || new RegExp(`^${role.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-[0-9a-f]{7}$`).test(name);
}

function checkRole(role: PackResource, graph: StackGraph, resources: PackResource[]): Finding[] {
  const here = describeResource(role);
  const findings: Finding[] = [];
  const fronted = frontedStateMachines(role, resources);
  // The ARNs a front door may name: each state machine, and the executions under it.
  const allowed = fronted.arns.flatMap((arn) => [arn, executionArnPattern(arn), executionArnPattern(arn).replace(":execution:", ":express:")]);
  for (const source of graph.policiesOf(role).sources) {
    const read = readResourceDocuments(source);
    for (const n of read.notes) findings.push(note(`${here}: ${n.message}`, role.urn));
    for (const document of read.documents) {
      for (const statement of document.statements.filter((s) => s.effect === "Allow")) {
        const where = `${document.source}, statement ${statementLabel(statement)}`;
        if (statement.notAction) {
          findings.push(
            violation(`${where}: NotAction in an Allow statement of a role API Gateway assumes grants Step Functions calls it should not have; list the actions`, role.urn),
          );
          continue;
        }
        const states = (statement.action ?? []).filter(touchesStepFunctions);
        if (states.length === 0) continue;
        const tooBroad = states.filter((action) => !FRONT_DOOR_ACTIONS.some((allowedAction) => allowedAction.toLowerCase() === action.toLowerCase()));
        if (tooBroad.length > 0) {
          findings.push(
            violation(
              `${where} allows ${tooBroad.map((a) => `'${a}'`).join(", ")}: a role API Gateway assumes needs only ${FRONT_DOOR_ACTIONS.join(", ")} (those its routes call)`,
              role.urn,
            ),
          );
        }
        findings.push(...resourceFindings(statement, where, fronted, allowed, role));
      }
    }
  }
  return findings;
}

function resourceFindings(statement: ParsedStatement, where: string, fronted: { arns: string[]; unknown: boolean }, allowed: string[], role: PackResource): Finding[] {
  if (statement.notResource) return [violation(`${where}: NotResource grants Step Functions calls on every resource but a few; name the state machines it fronts`, role.urn)];
  if (fronted.arns.length === 0) {
    return fronted.unknown
      ? [note(`${where}: the state machines this role fronts are not known during preview; checked when \`pulumi up\` runs`, role.urn)]
      : [
          violation(
            `${where} grants Step Functions calls, but no API Gateway integration in this stack uses this role to front a state machine; remove the grant or name the state machine in the integration's request template`,
            role.urn,
          ),
        ];
  }
  const outside = (statement.resource ?? []).filter((resource) => !allowed.includes(resource) && !isExecutionOf(resource, fronted.arns));
  if (outside.length === 0) return [];
  return [
    violation(
      `${where} grants Step Functions calls on ${outside.map((r) => `'${r}'`).join(", ")}, beyond the state machines this role fronts:${arnList(fronted.arns)}\n  Name those ARNs (and ${executionArnPattern(fronted.arns[0])} for their executions).`,
      role.urn,
    ),
  ];
}

/** A single execution of a fronted state machine (no wildcards), e.g. one a route describes. */
function isExecutionOf(resource: string, arns: string[]): boolean {
  if (/[*?]/.test(resource)) return false;
  return arns.some((arn) => matchesResource(executionArnPattern(arn), resource) || matchesResource(executionArnPattern(arn).replace(":execution:", ":express:"), resource));
}

function touchesStepFunctions(action: string): boolean {
  return action === "*" || action.toLowerCase().startsWith("states:") || FRONT_DOOR_ACTIONS.some((a) => matchesAction(action, a));
}
