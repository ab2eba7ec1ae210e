// Why a component registers its children with Error.stackTraceLimit at 0: @pulumi/pulumi records `new Error().stack`
// on each of the four promises behind every output property of every resource it registers (read only by its
// promise-leak report, PULUMI_DEBUG_PROMISE_LEAKS). With source-map support installed, as ts-node and Pulumi's own
// Node runner install it, formatting those stacks (about 180 for one S3 bucket, ~20,000 for 100 components) was half
// the CPU of a synth. The resources' source positions are unchanged: the SDK lifts the limit itself when it captures
// one. Only the synchronous registration in a constructor is covered; everything else runs with the limit as it was.

/**
 * Runs a component's synchronous registration of its children with lean stack captures, and returns what it
 * registered: the one way the components use the window below.
 */
export function registerLean<T>(register: () => T): T {
  const lean = leanRegistration();
  try {
    return register();
  } catch (error) {
    throw lean.failed(error);
  } finally {
    lean.end();
  }
}

/** A window of lean stack captures: `end()` restores the limit; `failed(error)` also gives the error its stack back. */
export interface LeanRegistration {
  end(): void;
  failed(error: unknown): unknown;
}

let depth = 0;
let savedLimit: number | undefined;

const frames = /\n\s+at /;

/**
 * Lowers Error.stackTraceLimit to 0 until `end()` (nested windows end with the outermost), unless
 * PULUMI_DEBUG_PROMISE_LEAKS asks for the stacks that the SDK's leak report prints.
 */
export function leanRegistration(): LeanRegistration {
  const active = !process.env.PULUMI_DEBUG_PROMISE_LEAKS;
  if (active && depth++ === 0) {
    savedLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
  }
  let ended = !active;
  const end = () => {
    if (ended) return;
    ended = true;
    if (--depth === 0) Error.stackTraceLimit = savedLimit as number;
  };
  const failed = (error: unknown): unknown => {
    end();
    // An error raised inside the window has no frames: give it the frames from the component's constructor down
    // to the caller's line, so that an unexpected failure still points at the code that made it.
    if (error instanceof Error && depth === 0 && !frames.test(error.stack ?? "")) Error.captureStackTrace(error, failed);
    return error;
  };
  return { end, failed };
}
