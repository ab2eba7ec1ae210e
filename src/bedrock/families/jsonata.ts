// Evaluates a family's JSONata offline exactly as the workflow's JSONata states run it in Step Functions: the
// jsonata package at Step Functions' version (2.0.6, pinned in package.json), no input document, the state's
// variables as bindings, and the result as the plain JSON a state hands on.

import jsonata = require("jsonata");

// The expressions are the families' own (one per family and generation settings), so a small cache holds them all;
// the bound only keeps a long-lived process that tries many settings from growing without limit.
const MAX_COMPILED = 256;
const compiled = new Map<string, jsonata.Expression>();

function compile(source: string): jsonata.Expression {
  let expression = compiled.get(source);
  if (!expression) {
    expression = jsonata(source);
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
    compiled.set(source, expression);
  }
  return expression;
}

/** The JSON value of `source` with `bindings` as its `$variables`; undefined when it yields nothing. */
export async function evaluateFamilyJsonata(source: string, bindings: Record<string, unknown>): Promise<unknown> {
  const value = await compile(source).evaluate(undefined, bindings);
  // JSONata may return sequences (arrays with extra members); state data is plain JSON.
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
