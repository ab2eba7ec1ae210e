// IAM document reading and matching, small and dependency-free, shared by tests and the policy pack.
// Our own code on purpose: the evaluator we trust as a reference, @cloud-copilot/iam-simulate, is AGPL, so it is a
// dev-only dependency; test/iam/cross-check.test.ts compares the two on random policies and on every catalog profile.
export { readPolicyDocument, statementLabel, stringList } from "./document";
export type { Effect, ParsedDocument, ParsedStatement, DocumentDiagnostic, ReadResult } from "./document";
export { evaluateConditions, evaluateClause, clausesOnKey, contextValues, parseConditionBlock } from "./conditions";
export type { ConditionClause, ConditionOutcome, RequestContext } from "./conditions";
export { evaluateRequest, evaluateRequests, matchStatement } from "./evaluate";
export type { Decision, IamRequest, StatementRef, Verdict } from "./evaluate";
export { hasPolicyVariable, hasWildcard, matchesAction, matchesResource, matchesWildcard, splitArnFields } from "./wildcard";
