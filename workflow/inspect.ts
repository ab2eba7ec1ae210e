// invokeModelTasks now lives in the analysis (analysis.ts: one walk, one reading of a Task's ModelId); this
// re-export keeps bench/analysis.ts compiling until it imports from there.
export { invokeModelTasks, type InvokeModelTask } from "./analysis";
