// Test doubles for the local runners: a scripted invokeModel task and a clock that records waits instead of waiting.

import type { Clock } from "../../../tools/local/runners/clock";
import { createClock } from "../../../tools/local/runners/clock";
import type { ExecutionIdentity, RunnerOptions } from "../../../tools/local/runners/execution";
import type { InvokeModelResult } from "../../../tools/local/runners/invoke-model-task";
import { StatesError } from "../../../tools/local/runners/states-error";
import { main as localMain } from "../../../tools/cli/local";

export type Step = { fail: string; cause?: string } | { result: unknown } | { hang: true } | { failAfterMs: number };

/** An invokeModel task that answers each call with the next scripted step (the last one repeats). */
export function scriptedTask(steps: Step[]) {
  const calls: unknown[] = [];
  const task = async (args: unknown): Promise<InvokeModelResult> => {
    calls.push(args);
    const step = steps[Math.min(calls.length - 1, steps.length - 1)];
    if ("fail" in step) throw new StatesError(step.fail, step.cause ?? `${step.fail} from the script`);
    if ("hang" in step) return new Promise<never>(() => undefined);
    if ("failAfterMs" in step) {
      return new Promise<never>((_, reject) => setTimeout(() => reject(new StatesError("Bedrock.ModelTimeoutException", "late")), step.failAfterMs));
    }
    return { Body: step.result, ContentType: "application/json" };
  };
  return { task, calls };
}

/** A clock that records every wait in workflow seconds and returns at once. */
export function recordingClock(random = () => 0.5): Clock & { waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    random,
    timeScale: 1,
    timeoutScale: 0.001,
    timeoutMs: (seconds) => seconds, // one workflow second of timeout lasts 1 ms
    sleepSeconds: async (seconds) => {
      waits.push(seconds);
    },
  };
}

/** Real waits and timeouts, 1000 times shorter. */
export const fastClock = () => createClock({ timeScale: 0.001, timeoutScale: 0.001 });

const IDENTITY: ExecutionIdentity = {
  name: "exec-1",
  stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:demo",
  stateMachineName: "demo",
};

export function runnerOptions(definition: object, input: unknown, task: RunnerOptions["invokeModel"], clock: Clock = recordingClock()): RunnerOptions {
  return { definition: definition as RunnerOptions["definition"], input, invokeModel: task, clock, identity: IDENTITY };
}

export const INVOKE = "arn:aws:states:::bedrock:invokeModel";

/** Unhandled promise rejections raised while `action` and a grace period run. */
export async function unhandledRejectionsDuring(action: () => Promise<unknown>, graceMs: number): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => void seen.push(reason);
  process.on("unhandledRejection", listener);
  try {
    await action();
    await new Promise((resolve) => setTimeout(resolve, graceMs));
  } finally {
    process.off("unhandledRejection", listener);
  }
  return seen;
}

/** Runs the `local` CLI's main with stdout captured and waits shrunk: what it printed and its exit code. */
export async function runLocalCli(argv: string[]): Promise<{ code: number; printed: string }> {
  let printed = "";
  const code = await localMain(argv, {
    stdout: (text) => {
      printed += text;
    },
    timeScale: 0.001,
  });
  return { code, printed };
}

/**
 * A Bedrock task that takes 5 ms and counts how many calls run at once; `peak()` is the most seen. It answers with
 * what `answer` makes of the call's arguments.
 */
export function concurrencyProbe(answer: (args: unknown) => unknown) {
  let running = 0;
  let peak = 0;
  const task = async (args: unknown) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((resolve) => setTimeout(resolve, 5));
    running--;
    return { Body: answer(args), ContentType: "application/json" };
  };
  return { task, peak: () => peak };
}
