// Whole-number flags (--runs, --port, --seed): a clear usage error naming the flag, the value and the range.
import { UsageError } from "./args";

export function wholeNumberFlag(raw: unknown, name: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(String(raw)) || value < min || value > max) throw new UsageError(`--${name} '${raw}' must be a whole number from ${min} to ${max}`);
  return value;
}
