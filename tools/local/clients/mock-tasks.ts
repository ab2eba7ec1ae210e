// `--mock-task <State>=<output.json>`: the result a named Task state returns locally instead of calling its
// resource (Lambda, SNS, a customization job, ... anything the local runners do not serve).
import * as fs from "node:fs";
import { InputError, parseJsonFile } from "./execution-input";

/** `resolve` turns a file name into the path to read (the CLI resolves it from the folder the user runs in). */
export function readMockTasks(pairs: string[], resolve: (file: string) => string = (file) => file): Record<string, unknown> {
  const mocks: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.lastIndexOf("=");
    if (eq <= 0 || eq === pair.length - 1) throw new InputError(`--mock-task '${pair}' must be <State>=<output.json>, e.g. --mock-task Notify=notify.json`);
    const [state, file] = [pair.slice(0, eq), pair.slice(eq + 1)];
    if (Object.hasOwn(mocks, state)) throw new InputError(`--mock-task names state '${state}' twice`);
    let text: string;
    try {
      text = fs.readFileSync(resolve(file), "utf8");
    } catch (error) {
      throw new InputError(`--mock-task '${pair}': cannot read '${file}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    mocks[state] = parseJsonFile(file, text, "--mock-task");
  }
  return mocks;
}
