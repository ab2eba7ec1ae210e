// Reads any state machine definition (ours or hand-written) for its Bedrock invokeModel tasks: which
// ModelIds they call and whether they read or write payloads in S3. The policy pack's stack view and the
// tests use it; both query languages, including JSONata Arguments written as one expression.
import jsonata from "jsonata";
import { isInvokeModelResource } from "./contract";

export interface InvokeModelTask {
  /** State name, with enclosing Parallel/Map states as a path ("Fan out/Branch 0/Invoke"). */
  state: string;
  queryLanguage: "JSONata" | "JSONPath";
  /** ModelIds written literally in the definition. */
  modelIds: string[];
  /** True when a ModelId is computed at run time, so it cannot be judged statically. */
  dynamicModelId: boolean;
  usesInputS3Uri: boolean;
  usesOutputS3Uri: boolean;
}


type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type StateLike = { Type?: string; Resource?: string; QueryLanguage?: string; Arguments?: Json; Parameters?: Json } & Record<string, Json>;

/** All invokeModel tasks of a definition given as an object or JSON string; throws on text that is not JSON. */
export function invokeModelTasks(definition: unknown): InvokeModelTask[] {
  const doc = (typeof definition === "string" ? JSON.parse(definition) : definition) as Record<string, Json> | null;
  const tasks: InvokeModelTask[] = [];
  walk(doc, language(doc?.QueryLanguage, "JSONPath"), "", tasks);
  return tasks;
}

function language(value: Json | undefined, inherited: "JSONata" | "JSONPath"): "JSONata" | "JSONPath" {
  return value === "JSONata" || value === "JSONPath" ? value : inherited;
}

function walk(machine: Record<string, Json> | null, inherited: "JSONata" | "JSONPath", path: string, out: InvokeModelTask[]): void {
  const states = machine?.States;
  if (!states || typeof states !== "object" || Array.isArray(states)) return;
  for (const [name, raw] of Object.entries(states)) {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) continue;
    const state = raw as StateLike;
    const lang = language(state.QueryLanguage, inherited);
    const here = `${path}${name}`;
    if (state.Type === "Task" && isInvokeModelResource(state.Resource)) {
      out.push(readTask(here, lang, lang === "JSONata" ? state.Arguments : state.Parameters));
    }
    const branches = Array.isArray(state.Branches) ? state.Branches : [];
    branches.forEach((b, i) => walk(b as Record<string, Json>, lang, `${here}/Branch ${i}/`, out));
    for (const nested of [state.ItemProcessor, state.Iterator]) {
      if (nested && typeof nested === "object" && !Array.isArray(nested)) walk(nested, lang, `${here}/`, out);
    }
  }
}

function readTask(state: string, queryLanguage: "JSONata" | "JSONPath", args: Json | undefined): InvokeModelTask {
  const task: InvokeModelTask = { state, queryLanguage, modelIds: [], dynamicModelId: false, usesInputS3Uri: false, usesOutputS3Uri: false };
  if (queryLanguage === "JSONPath") readJsonPathArgs(args, task);
  else readJsonataValue(args, task);
  task.modelIds = [...new Set(task.modelIds)];
  return task;
}

function readJsonPathArgs(args: Json | undefined, task: InvokeModelTask): void {
  if (!args || typeof args !== "object" || Array.isArray(args)) {
    task.dynamicModelId = true;
    return;
  }
  if (typeof args.ModelId === "string") task.modelIds.push(args.ModelId);
  if ("ModelId.$" in args || args.ModelId === undefined) task.dynamicModelId = true;
  task.usesInputS3Uri = "Input" in args || "Input.$" in args;
  task.usesOutputS3Uri = "Output" in args || "Output.$" in args;
}

const EXPRESSION = /^\s*\{%([\s\S]*)%\}\s*$/;

/** A JSONata Arguments value: an object whose fields may be expressions, or one expression building it all. */
function readJsonataValue(value: Json | undefined, task: InvokeModelTask): void {
  if (typeof value === "string") {
    const match = EXPRESSION.exec(value);
    if (match) readExpression(match[1], task);
    return;
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return;
  for (const [key, field] of Object.entries(value)) {
    if (key === "ModelId") {
      const expr = typeof field === "string" ? EXPRESSION.exec(field) : null;
      if (typeof field === "string" && !expr) task.modelIds.push(field);
      else if (expr) readModelIdExpression(expr[1], task);
      else task.dynamicModelId = true;
    }
    if (key === "Input") task.usesInputS3Uri = true;
    if (key === "Output") task.usesOutputS3Uri = true;
  }
  if (!("ModelId" in value)) task.dynamicModelId = true;
}

interface AstNode {
  type: string;
  value?: unknown;
  lhs?: unknown;
  [key: string]: unknown;
}

function parse(expression: string, task: InvokeModelTask): AstNode | undefined {
  try {
    return jsonata(expression).ast() as unknown as AstNode;
  } catch {
    task.dynamicModelId = true;
    return undefined;
  }
}

function readModelIdExpression(expression: string, task: InvokeModelTask): void {
  const ast = parse(expression, task);
  if (ast?.type === "string" && typeof ast.value === "string") task.modelIds.push(ast.value);
  else task.dynamicModelId = true;
}

/** Walks the expression's object constructors for ModelId, Input and Output keys. */
function readExpression(expression: string, task: InvokeModelTask): void {
  const ast = parse(expression, task);
  if (!ast) return;
  let sawModelId = false;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== "object") return;
    const n = node as AstNode;
    if (n.type === "unary" && n.value === "{" && Array.isArray(n.lhs)) {
      for (const pair of n.lhs as [AstNode, AstNode][]) {
        const key = pair[0]?.type === "string" ? pair[0].value : undefined;
        if (key === "ModelId") {
          sawModelId = true;
          if (pair[1]?.type === "string" && typeof pair[1].value === "string") task.modelIds.push(pair[1].value);
          else task.dynamicModelId = true;
        }
        if (key === "Input") task.usesInputS3Uri = true;
        if (key === "Output") task.usesOutputS3Uri = true;
      }
    }
    Object.values(n).forEach(visit);
  };
  visit(ast);
  if (!sawModelId) task.dynamicModelId = true;
}
