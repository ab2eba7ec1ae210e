// Reads any state machine definition (ours or hand-written) for its Bedrock invokeModel tasks: which
// ModelIds they call and whether they read or write payloads in S3. The policy pack's stack view and the
// tests use it; both query languages, including JSONata Arguments written as one expression.
// A thin view over the one state walk (walk.ts) and argument reading (task-arguments.ts) that the
// analysis (analysis.ts) uses too.
import { integrationOf } from "./analysis";
import { readTaskArguments } from "./task-arguments";
import { walkStates } from "./walk";

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

/** All optimized invokeModel tasks of a definition given as an object or JSON string; throws on text that is not JSON. */
export function invokeModelTasks(definition: unknown): InvokeModelTask[] {
  const doc = typeof definition === "string" ? JSON.parse(definition) : definition;
  const tasks: InvokeModelTask[] = [];
  for (const { path, state, queryLanguage } of walkStates(doc)) {
    if (state.Type !== "Task" || integrationOf(state.Resource) !== "bedrock:invokeModel") continue;
    const args = readTaskArguments(state as never, queryLanguage);
    const model = args.field("ModelId");
    const literals = (model?.literals ?? []).filter((l): l is string => typeof l === "string");
    tasks.push({
      state: path,
      queryLanguage,
      modelIds: [...new Set(literals)],
      dynamicModelId: !model || model.dynamic || literals.length < (model?.literals.length ?? 0),
      usesInputS3Uri: args.field("Input") !== undefined,
      usesOutputS3Uri: args.field("Output") !== undefined,
    });
  }
  return tasks;
}
