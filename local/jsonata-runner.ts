// Our executor for JSONata state machines (nothing on npm runs them): Task, Pass, Choice, Wait, Succeed and Fail,
// with Arguments, Output, Assign, Retry, Catch and TimeoutSeconds as Step Functions defines them.

import type { Catcher, StateDefinition } from "./definition";
import { executionArnOf, type RunnerOptions, type WorkflowRun } from "./execution";
import { INVOKE_MODEL_RESOURCE, isInvokeModelResource } from "./invoke-model-task";
import { evaluateRequired, evaluateTemplate, type Bindings } from "./jsonata-expressions";
import { backoffSeconds, firstMatching, maxAttemptsOf } from "./retry-policy";
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
  const states: string[] = [];
  const execution = new JsonataExecution(options, states);
  const limit = options.definition.TimeoutSeconds;
  let timer: NodeJS.Timeout | undefined;
  try {
    const run = execution.run();
    const output = limit === undefined ? await run : await Promise.race([run, executionTimeout(limit)]);
    return { status: "SUCCEEDED", output, states };
  } catch (error) {
    const failure = asStatesError(error);
    return { status: "FAILED", error: failure.errorName, cause: failure.cause, states };
  } finally {
    execution.stop();
    if (timer) clearTimeout(timer);
  }

  function executionTimeout(seconds: number): Promise<never> {
    return new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new StatesError(STATES.Timeout, `The execution exceeded its TimeoutSeconds of ${seconds}`)),
        options.clock.timeoutMs(seconds),
      );
    });
  }
}

class JsonataExecution {
  /** Workflow variables set by Assign, visible to every later state. */
  private readonly variables: Record<string, unknown> = {};
  private readonly startTime = new Date().toISOString();
  private stopped = false;

  constructor(
    private readonly options: RunnerOptions,
    private readonly entered: string[],
  ) {}

  /** After a timeout the loop must not enter further states. */
  stop(): void {
    this.stopped = true;
  }

  async run(): Promise<unknown> {
    const { definition } = this.options;
    let name: string | undefined = definition.StartAt;
    let input = this.options.input;
    while (name !== undefined && !this.stopped) {
      const state = definition.States[name];
      if (!state) throw new StatesError(STATES.Runtime, `transition to '${name}', which is not a state of this machine`);
      this.entered.push(name);
      const outcome = await this.runState(name, state, input);
      input = outcome.output;
      name = outcome.next;
    }
    return input;
  }

  private runState(name: string, state: StateDefinition, input: unknown): Promise<StateOutcome> {
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
      default:
        throw new StatesError(STATES.Runtime, `state '${name}' has Type '${state.Type}', which the local JSONata runner does not run (it runs Task, Pass, Choice, Wait, Succeed, Fail)`);
    }
  }

  private async runTask(name: string, state: StateDefinition, input: unknown): Promise<StateOutcome> {
    const retriesSoFar = (state.Retry ?? []).map(() => 0);
    let retryCount = 0;
    for (;;) {
      const states = this.states(name, input, retryCount);
      try {
        const result = await this.invokeTask(name, state, states);
        return await this.finish(name, state, { ...states, result }, RESULT);
      } catch (error) {
        const failure = asStatesError(error);
        const retrier = firstMatching(state.Retry, failure, true);
        if (retrier >= 0 && retriesSoFar[retrier] < maxAttemptsOf(state.Retry![retrier])) {
          await this.options.clock.sleepSeconds(backoffSeconds(state.Retry![retrier], retriesSoFar[retrier], this.options.clock.random));
          retriesSoFar[retrier]++;
          retryCount++;
          continue;
        }
        return this.catchError(name, state, input, failure);
      }
    }
  }

  private async invokeTask(name: string, state: StateDefinition, states: StatesVariable): Promise<unknown> {
    if (!isInvokeModelResource(state.Resource)) {
      throw new StatesError(STATES.Runtime, `Task '${name}' calls '${state.Resource}'; the local runners implement only ${INVOKE_MODEL_RESOURCE} (in any partition)`);
    }
    const args = await evaluateTemplate(state.Arguments ?? {}, this.bindings(states), `${name}.Arguments`);
    const call = this.options.invokeModel(args);
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

  private async catchError(name: string, state: StateDefinition, input: unknown, failure: StatesError): Promise<StateOutcome> {
    const index = firstMatching(state.Catch, failure, state.Type === "Task");
    if (index < 0) throw failure;
    const catcher: Catcher = state.Catch![index];
    const errorOutput = { Error: failure.errorName, Cause: failure.cause };
    const states = { ...this.states(name, input), errorOutput };
    return this.finish(name, { Type: state.Type, Output: catcher.Output, Assign: catcher.Assign, Next: catcher.Next }, states, ERROR_OUTPUT);
  }

  private async runChoice(name: string, state: StateDefinition, input: unknown): Promise<StateOutcome> {
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

  private async runWait(name: string, state: StateDefinition, input: unknown): Promise<StateOutcome> {
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

  private async runFail(name: string, state: StateDefinition, input: unknown): Promise<never> {
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
    state: Pick<StateDefinition, "Output" | "Assign" | "Next" | "End" | "Type">,
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
          StartTime: this.startTime,
          RedriveCount: 0,
        },
        State: { Name: name, EnteredTime: new Date().toISOString(), RetryCount: retryCount },
        StateMachine: { Id: identity.stateMachineArn, Name: identity.stateMachineName },
      },
    };
  }

  private bindings(states: StatesVariable): Bindings {
    return { ...this.variables, states };
  }
}
