// readUserDefinition turns the definition's errors into one ConfigError per line naming the key, by the error's
// argument (never by its message text): the file's own errors and the substitution map's already name their key.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readUserDefinition } from "../../stack/definition";
import { ConfigError, parseSettings } from "../../stack/settings";

describe("a definition of your own, read from stack config", () => {
  let dir = "";
  const region = "us-east-1";
  const invoke = (modelId: string) => ({
    StartAt: "I",
    States: { I: { Type: "Task", Resource: "arn:aws:states:::bedrock:invokeModel", Arguments: { ModelId: modelId, Body: {} }, End: true } },
  });
  const read = (raw: Record<string, unknown>) => readUserDefinition(parseSettings({ region, ...raw }), dir, () => false);
  const refuses = (raw: Record<string, unknown>, message: RegExp) =>
    assert.throws(
      () => read(raw),
      (e: unknown) => e instanceof ConfigError && e.kind === "config" && message.test(e.message),
    );

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-definition-"));
    fs.writeFileSync(path.join(dir, "ok.json"), JSON.stringify({ QueryLanguage: "JSONata", ...invoke("us.amazon.nova-lite-v1:0") }));
    fs.writeFileSync(path.join(dir, "list.json"), "[1, 2]");
    fs.writeFileSync(path.join(dir, "unknown.json"), JSON.stringify({ ...invoke("us.amazon.nova-lite-v1:0"), Comment: "${Nope}" }));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads and analyses a good file", () => {
    const own = read({ definitionFile: "ok.json" });
    assert.equal(own?.definition.StartAt, "I");
    assert.deepEqual(
      own?.analysis.tasks.map((t) => t.state),
      ["I"],
    );
  });

  it("names the file once for the file's own errors (missing, not an ASL object)", () => {
    refuses({ definitionFile: "missing.json" }, /^bedrock-sfn:definitionFile = 'missing\.json': no such file \(looked for .*missing\.json\)$/);
    refuses({ definitionFile: "list.json" }, /^bedrock-sfn:definitionFile = 'list\.json' must hold an ASL object/);
  });

  it("names the substitution map, not the file, for a bad substitution name", () => {
    refuses(
      { definitionFile: "ok.json", definitionSubstitutions: '{"PayloadBucket": "x"}' },
      /^bedrock-sfn:definitionSubstitutions: 'PayloadBucket' is set by the stack and cannot be overridden$/,
    );
  });

  it("prefixes the file to errors about its content", () => {
    refuses({ definitionFile: "unknown.json" }, /^bedrock-sfn:definitionFile = 'unknown\.json': the definition uses unknown substitution \$\{Nope\}/);
  });
});
