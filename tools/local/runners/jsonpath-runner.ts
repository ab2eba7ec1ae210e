// JSONPath state machines run on aws-local-stepfunctions, with every Bedrock Task handled by our invokeModel task.
// Waits are scaled by editing a copy of the definition (IntervalSeconds, MaxDelaySeconds, TimeoutSeconds), so the
// library's own backoff arithmetic, BackoffRate and FULL jitter included, stays what runs.

import { ExecutionError, ExecutionTimeoutError, StateMachine } from "aws-local-stepfunctions";
import { RETRIER_DEFAULTS, type AnyStateDefinition, type AnyStateMachine } from "../../../src/workflow/asl";
import { ExecutionBudget, expressDurationExceeded, HISTORY_EVENTS, inlineMapConcurrency, payloadBytes, AWS_LIMITS, dataLimitExceeded } from "./aws-limits";
import { executionArnOf, StateRecorder, type RunnerOptions, type WorkflowRun } from "./execution";
import { walkStates } from "../../../src/workflow/walk";
import { installPromiseWithResolvers } from "./polyfills";
import { STATES, StatesError } from "./states-error";
import { invokeModelOnly } from "./task-router";
import { validateDefinitionOnce } from "../../shared/asl-validation";

installPromiseWithResolvers();

type TaskHandler = (input: unknown) => Promise<unknown>;
type LibraryDefinition = ConstructorParameters<typeof StateMachine>[0];
type LibraryRunOptions = NonNullable<Parameters<StateMachine["run"]>[1]>;
type LibraryTaskHandlers = NonNullable<NonNullable<LibraryRunOptions["overrides"]>["taskResourceLocalHandlers"]>;

export async function runJsonPath(options: RunnerOptions): Promise<WorkflowRun> {
  const { definition, identity } = options;
  // The library validates with asl-validator too, but on our scaled copy (fractional seconds are not valid ASL).
  validateDefinitionOnce(definition);
  const jsonataState = [...allStates(definition)].find(([, state]) => state.QueryLanguage === "JSONata");
  if (jsonataState) {
    throw new Error(`state '${jsonataState[0]}' uses JSONata inside a JSONPath machine; the local runners run one query language per machine`);
  }
  const scaled = withInlineMapCap(scaleWaits(definition, { waits: options.clock.timeScale, timeouts: options.clock.timeoutScale }));
  const machine = new StateMachine(structuredClone(scaled) as unknown as LibraryDefinition, { validationOptions: { noValidate: true } });

  const execution = machine.run(options.input as never, {
    overrides: { taskResourceLocalHandlers: taskHandlers(definition, options) as LibraryTaskHandlers },
    context: {
      Execution: { Id: executionArnOf(identity), Name: identity.name },
      StateMachine: { Id: identity.stateMachineArn, Name: identity.stateMachineName },
    } as LibraryRunOptions["context"],
  });

  // AWS's limits, judged from the library's event log: the history it would have written, and the payloads.
  const budget = new ExecutionBudget(options.workflowType ?? "STANDARD", options.clock);
  const recorder = new StateRecorder();
  const stop = (error: StatesError) => {
    budget.exceeded ??= error;
    execution.abort();
  };
  const left = budget.msLeft();
  const timer = left === undefined ? undefined : setTimeout(() => stop(expressDurationExceeded()), left);
  const recording = (async () => {
    for await (const event of execution.eventLogs) {
      if (budget.exceeded) continue;
      try {
        judge(event as unknown as LoggedEvent, budget);
      } catch (error) {
        stop(error as StatesError);
        continue;
      }
      if (event.type === "StateEntered" && event.index === undefined) recorder.enter(event.state.name);
    }
  })();

  try {
    const output = await execution.result;
    await recording;
    if (budget.exceeded) return { status: "FAILED", error: budget.exceeded.errorName, cause: budget.exceeded.cause, states: recorder.list() };
    return { status: "SUCCEEDED", output, states: recorder.list() };
  } catch (error) {
    await recording;
    const failure = budget.exceeded ? { error: budget.exceeded.errorName, cause: budget.exceeded.cause } : failureOf(error);
    return { status: "FAILED", ...failure, states: recorder.list() };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

interface LoggedEvent {
  type: string;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
}

/** Counts one logged event into the history and checks the payload it carries; throws the limit's error. */
function judge(event: LoggedEvent, budget: ExecutionBudget): void {
  if (event.type === "StateEntered" && event.state) {
    const type = event.state.type;
    budget.count(type === "Task" ? HISTORY_EVENTS.task : type === "Parallel" || type === "Map" ? HISTORY_EVENTS.parallelOrMap : HISTORY_EVENTS.state);
    const bytes = payloadBytes(event.state.input);
    if (bytes > AWS_LIMITS.payloadBytes) throw dataLimitExceeded(`the input of state '${event.state.name}'`, bytes);
  } else if (event.type === "StateExited" && event.state) {
    const bytes = payloadBytes(event.state.output);
    if (bytes > AWS_LIMITS.payloadBytes) throw dataLimitExceeded(`the output of state '${event.state.name}'`, bytes);
  } else if (event.type === "MapIterationStarted") {
    budget.count(HISTORY_EVENTS.mapIteration);
  } else if (event.type === "StateRetried") {
    budget.count(HISTORY_EVENTS.retry);
  } else {
    budget.count(0);
  }
}

/** A copy whose inline Maps run at most 40 iterations at once, as on AWS (MaxConcurrency 0 or absent included). */
function withInlineMapCap(definition: AnyStateMachine): AnyStateMachine {
  for (const [, state] of allStates(definition)) {
    if (state.Type === "Map") state.MaxConcurrency = inlineMapConcurrency(state.MaxConcurrency, Number.POSITIVE_INFINITY);
  }
  return definition;
}

/**
 * Every Task state, however deeply nested, mapped to the task runner (Bedrock integrations, mocks, or an error
 * naming the state and resource). The library keys handlers by state name: same-named Tasks in different branches
 * must call the same resource.
 */
function taskHandlers(definition: AnyStateMachine, options: RunnerOptions): Record<string, TaskHandler> {
  const runTask = options.runTask ?? invokeModelOnly(options.invokeModel);
  const handlers: Record<string, TaskHandler> = {};
  const resources = new Map<string, string>();
  for (const { name, state } of walkStates(definition)) {
    if (state.Type !== "Task") continue;
    const resource = String(state.Resource);
    const seen = resources.get(name);
    if (seen !== undefined && seen !== resource) {
      throw new Error(`two Task states are named '${name}' but call different resources (${seen}, ${resource}); the local JSONPath runner needs distinct names`);
    }
    resources.set(name, resource);
    handlers[name] = (input) => runTask({ state: name, resource }, input);
  }
  return handlers;
}

function* allStates(definition: AnyStateMachine): Generator<[string, AnyStateDefinition]> {
  for (const { name, state } of walkStates(definition)) yield [name, state as AnyStateDefinition];
}

/**
 * A copy with retry backoff and Wait seconds multiplied by `waits`, and TimeoutSeconds by `timeouts`;
 * a retrier's default IntervalSeconds is made explicit first so that it scales too.
 */
export function scaleWaits(definition: AnyStateMachine, factors: { waits: number; timeouts: number }): AnyStateMachine {
  const copy = structuredClone(definition);
  const { waits, timeouts } = factors;
  if (typeof copy.TimeoutSeconds === "number") copy.TimeoutSeconds *= timeouts;
  for (const [, state] of allStates(copy)) {
    if (typeof state.TimeoutSeconds === "number") state.TimeoutSeconds *= timeouts;
    if (typeof state.Seconds === "number") state.Seconds *= waits;
    if (waits === 1) continue;
    for (const retrier of state.Retry ?? []) {
      retrier.IntervalSeconds = (retrier.IntervalSeconds ?? RETRIER_DEFAULTS.IntervalSeconds) * waits;
      if (retrier.MaxDelaySeconds !== undefined) retrier.MaxDelaySeconds *= waits;
    }
  }
  return copy;
}

function failureOf(error: unknown): { error: string; cause: string } {
  if (error instanceof ExecutionTimeoutError) return { error: STATES.Timeout, cause: "The execution exceeded its TimeoutSeconds" };
  const raised = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
  if (raised instanceof StatesError) return { error: raised.errorName, cause: raised.cause };
  if (raised instanceof Error) return { error: raised.name, cause: raised.message };
  return { error: STATES.Runtime, cause: String(raised) };
}
