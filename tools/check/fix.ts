// --fix: the statements each broken role needs, in the file's own language.
import type { FileResult } from "./check";

export function fixReport(_result: FileResult, _file: string): string {
  return "";
}
