// Our executor for JSONata state machines (nothing on npm runs them): Task, Pass, Choice, Wait, Succeed, Fail,
// Parallel and (inline) Map, with Arguments, Output, Assign, Retry, Catch and TimeoutSeconds as Step Functions
// defines them. Branches and iterations read the variables of their enclosing scope; what they assign stays inside.

import type { AnyCatcher, AnyStateDefinition, AnyStateMachine } from "../../../src/workflow/asl";
import { checkPayload, ExecutionBudget, HISTORY_EVENTS, inlineMapConcurrency, expressDurationExceeded } from "./aws-limits";
import { executionArnOf, StateRecorder, type RunnerOptions, type WorkflowRun } from "./execution";
import { invokeModelOnly, type TaskRunner } from "./task-router";
import { evaluateRequired, evaluateTemplate, type Bindings } from "./state-field-jsonata";
import { backoffSeconds, firstMatching, maxAttemptsOf } from "./retry-matching";
import { asStatesError, STATES, StatesError } from "./states-error";

// Default state outputs, as expressions so that data in the input is never itself evaluated.
const INPUT = "{% $states.input %}";
const RESULT = "{% $states.result %}";
const ERROR_OUTPUT = "{% $states.errorOutput %}";

interface StateOutcome {
  output: unknown;
  /** Next state, or undefined when the execution ends here. */
  next?: string;
}

interface StatesVariable {
  input: unknown;
  context: Record<string, unknown>;
  result?: unknown;
  errorOutput?: { Error: string; Cause: string };
}

export async function runJsonata(options: RunnerOptions): Promise<WorkflowRun> {
  const recorder = new StateRecorder();
  const budget = new ExecutionBudget(options.workflowType ?? "STANDARD", options.clock);
  const execution = new JsonataExecution(options, recorder, { budget });
  const limit = options.definition.TimeoutSeconds;
  const timers: NodeJS.Timeout[] = [];
  try {
    const run = execution.run().then((output) => {
      checkPayload("the execution's output", output);
      return output;
    });
    const deadlines: Promise<never>[] = [];
    if (limit !== undefined)
      deadlines.push(rejectAfter(options.clock.timeoutMs(limit), () => new StatesError(STATES.Timeout, `The execution exceeded its TimeoutSeconds of ${limit}`)));
    // EXPRESS: 5 minutes on the runner's clock, even for a state that never yields (a Task that hangs).
    const left = budget.msLeft();
    if (left !== undefined)
      deadlines.push(
        rejectAfter(left, () => {
          budget.exceeded ??= expressDurationExceeded();
          return budget.exceeded;
        }),
      );
    const output = await Promise.race([run, ...deadlines]);
    budget.count(HISTORY_EVENTS.execution - 1);
    return { status: "SUCCEEDED", output, states: recorder.list() };
  } catch (error) {
    const failure = budget.exceeded ?? asStatesError(error);
    return { status: "FAILED", error: failure.errorName, cause: failure.cause, states: recorder.list() };
  } finally {
    execution.stop();
    for (const timer of timers) clearTimeout(timer);
  }

  function rejectAfter(ms: number, error: () => StatesError): Promise<never> {
    return new Promise((_, reject) => {
      timers.push(setTimeout(() => reject(error()), ms));
    });
  }
}

type Machine = Pick<AnyStateMachine, "StartAt" | "States">;

interface Scope {
  /** The machine or branch being run. */
  machine: Machine;
  input: unknown;
  /** Set inside a Map iteration: `$states.context.Map.Item`. */
  mapItem?: { Index: number; Value: unknown };
  /** Shared by all scopes of one execution, so that a timeout stops every branch. */
  stopped: { value: boolean };
  /** AWS's limits on this execution, shared by every branch and iteration (they all count in one history). */
  budget: ExecutionBudget;
  startTime: string;
}

class JsonataExecution {
  /** Workflow variables set by Assign, visible to every later state (a child scope starts with a copy). */
  private readonly variables: Record<string, unknown>;
  private readonly scope: Scope;
  private readonly runTaskWith: TaskRunner;

  constructor(
    private readonly options: RunnerOptions,
    private readonly entered: StateRecorder,
    scope?: Partial<Scope>,
    variables: Record<string, unknown> = {},
  ) {
    this.variables = { ...variables };
    this.scope = {
      machine: scope?.machine ?? options.definition,
      input: scope && "input" in scope ? scope.input : options.input,
      mapItem: scope?.mapItem,
      stopped: scope?.stopped ?? { value: false },
      budget: scope?.budget ?? new ExecutionBudget(options.workflowType ?? "STANDARD", options.clock),
      startTime: scope?.startTime ?? new Date().toISOString(),
    };
    this.runTaskWith = options.runTask ?? invokeModelOnly(options.invokeModel);
  }

  /** After a timeout the loop must not enter further states. */
  stop(): void {
    this.scope.stopped.value = true;
  }

  async run(): Promise<unknown> {
    const { machine } = this.scope;
    let name: string | undefined = machine.StartAt;
    let input = this.scope.input;
    while (name !== undefined && !this.scope.stopped.value) {
      const state: AnyStateDefinition | undefined = machine.States[name];
      if (!state) throw new StatesError(STATES.Runtime, `transition to '${name}', which is not a state of this machine`);
      this.scope.budget.count(
        state.Type === "Task" ? HISTORY_EVENTS.task : state.Type === "Parallel" || state.Type === "Map" ? HISTORY_EVENTS.parallelOrMap : HISTORY_EVENTS.state,
      );
      this.entered.enter(name);
      checkPayload(`the input of state '${name}'`, input);
      const outcome = await this.runState(name, state, input);
      checkPayload(`the output of state '${name}'`, outcome.output);
      input = outcome.output;
      name = outcome.next;
    }
    // A limit reached in a concurrent branch ends this one too.
    if (this.scope.budget.exceeded) throw this.scope.budget.exceeded;
    return input;
  }

  /** A branch or iteration: its own machine and input, the enclosing variables readable. */
  private child(machine: unknown, input: unknown, mapItem?: Scope["mapItem"]): JsonataExecution {
    const m = machine as Machine | undefined;
    if (!m || typeof m.StartAt !== "string" || !m.States || typeof m.States !== "object") {
      throw new StatesError(STATES.Runtime, "a Parallel branch or Map ItemProcessor needs StartAt and States");
    }
    // Only top-level states are recorded, as for JSONPath runs: concurrent branches would interleave.
    return new JsonataExecution(this.options, new StateRecorder(), { ...this.scope, machine: m, input, mapItem }, this.variables);
  }

  private runState(name: string, state: AnyStateDefinition, input: unknown): Promise<StateOutcome> {
    if (state.QueryLanguage === "JSONPath") {
      throw new StatesError(STATES.Runtime, `state '${name}' uses JSONPath inside a JSONata machine, which the local JSONata runner does not run`);
    }
    switch (state.Type) {
      case "Task":
        return this.runTask(name, state, input);
      case "Pass":
        return this.finish(name, state, this.states(name, input), INPUT);
      case "Succeed":
        return this.finish(name, { ...state, Next: undefined, End: true }, this.states(name, input), INPUT);
      case "Choice":
        return this.runChoice(name, state, input);
      case "Wait":
        return this.runWait(name, state, input);
      case "Fail":
        return this.runFail(name, state, input);
      case "Parallel":
      case "Map":
        return this.runTask(name, state, input);
      default:
        throw new StatesError(
          STATES.Runtime,
          `state '${name}' has Type '${state.Type}', which the local JSONata runner does not run (it runs Task, Parallel, Map, Pass, Choice, Wait, Succeed, Fail)`,
        );
    }
  }

  private async runTask(name: string, state: AnyStateDefinition, input: unknown): Promise<StateOutcome> {
    const retriesSoFar = (state.Retry ?? []).map(() => 0);
    let retryCount = 0;
    for (;;) {
      const states = this.states(name, input, retryCount);
      try {
        const result =
          state.Type === "Parallel"
            ? await this.runParallel(name, state, states)
            : state.Type === "Map"
              ? await this.runMap(name, state, states)
              : await this.invokeTask(name, state, states);
        return await this.finish(name, state, { ...states, result }, RESULT);
      } catch (error) {
        const failure = asStatesError(error);
        const retrier = firstMatching(state.Retry, failure, true);
        if (retrier >= 0 && retriesSoFar[retrier] < maxAttemptsOf(state.Retry![retrier])) {
          await this.options.clock.sleepSeconds(backoffSeconds(state.Retry![retrier], retriesSoFar[retrier], this.options.clock.random));
          this.scope.budget.count(HISTORY_EVENTS.retry);
          retriesSoFar[retrier]++;
          retryCount++;
          continue;
        }
        return this.catchError(name, state, input, failure);
      }
    }
  }

  /** Every branch on the state's input (or its Arguments), concurrently; the result is their outputs in order. */
  private async runParallel(name: string, state: AnyStateDefinition, states: StatesVariable): Promise<unknown[]> {
    const branches = Array.isArray(state.Branches) ? state.Branches : [];
    const input = state.Arguments === undefined ? states.input : await evaluateTemplate(state.Arguments, this.bindings(states), `${name}.Arguments`);
    return Promise.all(branches.map((branch) => this.child(branch, input).run()));
  }

  /** Each item of `Items` (default: the input, which must be an array), through ItemSelector, at most MaxConcurrency at once. */
  private async runMap(name: string, state: AnyStateDefinition, states: StatesVariable): Promise<unknown[]> {
    if (state.ItemReader !== undefined || state.ResultWriter !== undefined) {
      throw new StatesError(
        STATES.Runtime,
        `Map '${name}' reads or writes its items in S3 (ItemReader/ResultWriter, Distributed Map), which the local JSONata runner does not run`,
      );
    }
    const items = state.Items === undefined ? states.input : await evaluateRequired(state.Items, this.bindings(states), `${name}.Items`);
    if (!Array.isArray(items)) throw new StatesError(STATES.QueryEvaluationError, `${name}.Items must evaluate to an array, got ${JSON.stringify(items)?.slice(0, 200)}`);
    const processor = state.ItemProcessor ?? state.Iterator;
    // Inline Map: AWS runs at most 40 iterations at once (AWS_LIMITS.inlineMapConcurrency).
    const limit = inlineMapConcurrency(state.MaxConcurrency, items.length);
    const results: unknown[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const index = next++;
        this.scope.budget.count(HISTORY_EVENTS.mapIteration);
        const mapItem = { Index: index, Value: items[index] };
        const selectorStates = { ...states, context: { ...states.context, Map: { Item: mapItem } } };
        const input = state.ItemSelector === undefined ? items[index] : await evaluateTemplate(state.ItemSelector, this.bindings(selectorStates), `${name}.ItemSelector`);
        results[index] = await this.child(processor, input, mapItem).run();
      }
    };
    await Promise.all(Array.from({ length: limit }, worker));
    return results;
  }

  private async invokeTask(name: string, state: AnyStateDefinition, states: StatesVariable): Promise<unknown> {
    const args = await evaluateTemplate(state.Arguments ?? {}, this.bindings(states), `${name}.Arguments`);
    const call = this.runTaskWith({ state: name, resource: String(state.Resource) }, args);
    if (state.TimeoutSeconds === undefined) return call;
    const seconds = await evaluateRequired(state.TimeoutSeconds, this.bindings(states), `${name}.TimeoutSeconds`);
    if (typeof seconds !== "number" || !(seconds > 0)) {
      throw new StatesError(STATES.Runtime, `${name}.TimeoutSeconds must be a positive number, got ${JSON.stringify(seconds)}`);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StatesError(STATES.Timeout, `Task '${name}' did not finish within ${seconds} seconds`)), this.options.clock.timeoutMs(seconds));
    });
    try {
      return await Promise.race([call, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async catchError(name: string, state: AnyStateDefinition, input: unknown, failure: StatesError): Promise<StateOutcome> {
    const index = firstMatching(state.Catch, failure, state.Type === "Task");
    if (index < 0) throw failure;
    const catcher: AnyCatcher = state.Catch![index];
    const errorOutput = { Error: failure.errorName, Cause: failure.cause };
    const states = { ...this.states(name, input), errorOutput };
    return this.finish(name, { Type: state.Type, Output: catcher.Output, Assign: catcher.Assign, Next: catcher.Next }, states, ERROR_OUTPUT);
  }

  private async runChoice(name: string, state: AnyStateDefinition, input: unknown): Promise<StateOutcome> {
    const states = this.states(name, input);
    for (const [index, rule] of (state.Choices ?? []).entries()) {
      const field = `${name}.Choices[${index}].Condition`;
      const matched = await evaluateRequired(rule.Condition, this.bindings(states), field);
      if (typeof matched !== "boolean") {
        throw new StatesError(STATES.QueryEvaluationError, `${field} must evaluate to true or false, got ${JSON.stringify(matched)}`);
      }
      if (matched) {
        // State-level Assign applies whichever rule matches; the rule's own Assign and Output take precedence.
        const assign = state.Assign || rule.Assign ? { ...state.Assign, ...rule.Assign } : undefined;
        const output = rule.Output !== undefined ? rule.Output : state.Output;
        return this.finish(name, { Type: "Choice", Output: output, Assign: assign, Next: rule.Next }, states, INPUT);
      }
    }
    if (state.Default === undefined) {
      throw new StatesError("States.NoChoiceMatched", `no Choice rule of '${name}' matched and it has no Default`);
    }
    return this.finish(name, { ...state, Next: state.Default }, states, INPUT);
  }

  private async runWait(name: string, state: AnyStateDefinition, input: unknown): Promise<StateOutcome> {
    const states = this.states(name, input);
    if (state.Seconds !== undefined) {
      const seconds = await evaluateRequired(state.Seconds, this.bindings(states), `${name}.Seconds`);
      if (typeof seconds !== "number" || seconds < 0) throw new StatesError(STATES.Runtime, `${name}.Seconds must be a number >= 0, got ${JSON.stringify(seconds)}`);
      await this.options.clock.sleepSeconds(seconds);
    } else if (state.Timestamp !== undefined) {
      const timestamp = await evaluateRequired(state.Timestamp, this.bindings(states), `${name}.Timestamp`);
      const at = Date.parse(String(timestamp));
      if (Number.isNaN(at)) throw new StatesError(STATES.Runtime, `${name}.Timestamp is not a timestamp: ${JSON.stringify(timestamp)}`);
      await this.options.clock.sleepSeconds(Math.max(0, (at - Date.now()) / 1000));
    }
    return this.finish(name, state, states, INPUT);
  }

  private async runFail(name: string, state: AnyStateDefinition, input: unknown): Promise<never> {
    const bindings = this.bindings(this.states(name, input));
    const error = state.Error === undefined ? "States.Failed" : await evaluateRequired(state.Error, bindings, `${name}.Error`);
    const cause = state.Cause === undefined ? "" : await evaluateRequired(state.Cause, bindings, `${name}.Cause`);
    throw new StatesError(String(error), typeof cause === "string" ? cause : JSON.stringify(cause));
  }

  /**
   * Output and Assign are evaluated together against the variables as they were when the state was entered;
   * only then are the new values assigned (so Output never sees this state's own Assign).
   */
  private async finish(
    name: string,
    state: Pick<AnyStateDefinition, "Output" | "Assign" | "Next" | "End" | "Type">,
    states: StatesVariable,
    defaultOutput: string,
  ): Promise<StateOutcome> {
    const bindings = this.bindings(states);
    const [output, assigned] = await Promise.all([
      evaluateRequired(state.Output !== undefined ? state.Output : defaultOutput, bindings, `${name}.Output`),
      state.Assign ? evaluateTemplate(state.Assign, bindings, `${name}.Assign`) : Promise.resolve(undefined),
    ]);
    if (assigned) Object.assign(this.variables, assigned);
    const ends = state.End === true || state.Type === "Succeed" || state.Next === undefined;
    return { output, next: ends ? undefined : state.Next };
  }

  private states(name: string, input: unknown, retryCount = 0): StatesVariable {
    const { identity } = this.options;
    return {
      input,
      context: {
        Execution: {
          Id: executionArnOf(identity),
          Name: identity.name,
          Input: this.options.input,
          StartTime: this.scope.startTime,
          RedriveCount: 0,
        },
        State: { Name: name, EnteredTime: new Date().toISOString(), RetryCount: retryCount },
        StateMachine: { Id: identity.stateMachineArn, Name: identity.stateMachineName },
        ...(this.scope.mapItem ? { Map: { Item: this.scope.mapItem } } : {}),
      },
    };
  }

  private bindings(states: StatesVariable): Bindings {
    return { ...this.variables, states };
  }
}
