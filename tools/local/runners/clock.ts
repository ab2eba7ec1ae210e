// Time as the local runners see it. Tests and benchmarks shrink retry backoff and Wait states by `timeScale`
// (a 2-second backoff takes 2 ms, the ratios between waits intact). Timeouts have their own `timeoutScale`,
// 1 by default: shrinking them too would time out real work (reading 10 MB from S3 takes longer than 50 ms).

export interface Clock {
  /** Waits the given number of workflow seconds (real time = seconds * timeScale). */
  sleepSeconds(seconds: number): Promise<void>;
  /** Real milliseconds after which a TimeoutSeconds of this many seconds fires. */
  timeoutMs(seconds: number): number;
  /** The factors applied, for runners that scale a definition instead of sleeping themselves. */
  readonly timeScale: number;
  readonly timeoutScale: number;
  /** Uniform draw in [0, 1) for jitter. */
  random(): number;
}

export interface ClockOptions {
  /** Factor on retry backoff and Wait states: 1 = real time (default); 0.001 turns seconds into milliseconds. */
  timeScale?: number;
  /** Factor on TimeoutSeconds (tasks and the whole execution); 1 by default. */
  timeoutScale?: number;
  /** Replaces the real sleep, for tests that count waits instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export function createClock(options: ClockOptions = {}): Clock {
  const timeScale = positive("timeScale", options.timeScale ?? 1);
  const timeoutScale = positive("timeoutScale", options.timeoutScale ?? 1);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return {
    timeScale,
    timeoutScale,
    sleepSeconds: (seconds) => (seconds > 0 ? sleep(seconds * 1000 * timeScale) : Promise.resolve()),
    timeoutMs: (seconds) => seconds * 1000 * timeoutScale,
    random: options.random ?? Math.random,
  };
}

function positive(name: string, value: number): number {
  if (!(value > 0)) throw new Error(`${name} must be a positive number, got ${value}`);
  return value;
}
