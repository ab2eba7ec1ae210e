// The one walk over an ASL definition's states at any depth: top level, Parallel branches and Map
// ItemProcessor/Iterator, with the query language each state runs in. The analysis, the inspection the
// policy pack uses and the local runners all read definitions through it.

import type { QueryLanguage } from "./asl";

export type { QueryLanguage };

/** A state as found in a definition: loose on purpose, since hand-written definitions may hold anything. */
export type AnyState = { Type?: unknown; Resource?: unknown; QueryLanguage?: unknown; [field: string]: unknown };

export interface VisitedState {
  /** The state's own name (unique within its machine or branch only). */
  name: string;
  /** The name with its enclosing Parallel/Map states, e.g. "Fan out/Branch 0/Summarise". */
  path: string;
  state: AnyState;
  /** The state's own QueryLanguage, else the nearest enclosing one, else JSONPath (as ASL defines). */
  queryLanguage: QueryLanguage;
  /** Depth of nesting: 0 for top-level states. */
  depth: number;
}

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === "object" && !Array.isArray(value);

function languageOf(value: unknown, inherited: QueryLanguage): QueryLanguage {
  return value === "JSONata" || value === "JSONPath" ? value : inherited;
}

/** The query language of a machine or state: its own QueryLanguage, else the inherited one, else JSONPath (as ASL defines). */
export function queryLanguageOf(machine: { QueryLanguage?: unknown }, inherited: QueryLanguage = "JSONPath"): QueryLanguage {
  return languageOf(machine.QueryLanguage, inherited);
}

/** Every state of a machine (or branch) object, depth first, parents before their nested states. */
export function* walkStates(machine: unknown, inherited?: QueryLanguage): Generator<VisitedState> {
  if (!isObject(machine)) return;
  yield* walk(machine, queryLanguageOf(machine, inherited), "", 0);
}

function* walk(machine: Record<string, unknown>, inherited: QueryLanguage, prefix: string, depth: number): Generator<VisitedState> {
  const states = machine.States;
  if (!isObject(states)) return;
  for (const [name, raw] of Object.entries(states)) {
    if (!isObject(raw)) continue;
    const state = raw as AnyState;
    const queryLanguage = languageOf(state.QueryLanguage, inherited);
    const path = `${prefix}${name}`;
    yield { name, path, state, queryLanguage, depth };
    if (Array.isArray(state.Branches)) {
      for (const [i, branch] of state.Branches.entries()) {
        if (isObject(branch)) yield* walk(branch, languageOf(branch.QueryLanguage, queryLanguage), `${path}/Branch ${i}/`, depth + 1);
      }
    }
    for (const nested of [state.ItemProcessor, state.Iterator]) {
      if (isObject(nested)) yield* walk(nested, languageOf(nested.QueryLanguage, queryLanguage), `${path}/`, depth + 1);
    }
  }
}
