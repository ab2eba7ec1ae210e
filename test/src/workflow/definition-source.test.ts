// A definition of your own from a file: JSON or YAML, SAM-like ${...} substitutions, clear errors.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DefinitionError } from "../../../src/workflow/analysis";
import { checkUserSubstitutions, loadDefinitionFile, parseDefinitionText, substituteDefinition } from "../../../src/workflow/definition-source";

const builtIn = { PayloadBucket: "my-payloads", "AWS::Region": "eu-west-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws" };

describe("definition source", () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "definition-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("replaces the built-in and user placeholders in every string, keys included, leaving the rest alone", () => {
    const definition = {
      StartAt: "A",
      States: {
        A: {
          Type: "Task",
          Resource: "arn:${AWS::Partition}:states:::bedrock:invokeModel",
          Parameters: { "Topic.$": "$.t", Output: { S3Uri: "s3://${PayloadBucket}/output/${Name}.json" }, Region: "${AWS::Region}-${AWS::AccountId}", N: 3 },
          End: true,
        },
      },
    };
    const out = substituteDefinition(definition, builtIn, { Name: "run" }) as typeof definition;
    assert.equal(out.States.A.Resource, "arn:aws:states:::bedrock:invokeModel");
    assert.deepEqual(out.States.A.Parameters, { "Topic.$": "$.t", Output: { S3Uri: "s3://my-payloads/output/run.json" }, Region: "eu-west-1-123456789012", N: 3 });
    assert.equal((definition.States.A.Parameters.Output as { S3Uri: string }).S3Uri, "s3://${PayloadBucket}/output/${Name}.json", "the input is not modified");
  });

  it("refuses unknown placeholders naming every one, and user names that shadow the stack's", () => {
    assert.throws(
      () => substituteDefinition({ StartAt: "A", States: { A: { Type: "Pass", Result: "${Nope} ${AWS::Nope}", End: true } } }, builtIn),
      (e: Error) => e instanceof DefinitionError && /unknown substitutions \$\{Nope\}, \$\{AWS::Nope\}; known: \$\{PayloadBucket\}/.test(e.message),
    );
    assert.throws(() => checkUserSubstitutions({ PayloadBucket: "x" }), /'PayloadBucket' is set by the stack and cannot be overridden/);
    assert.throws(() => checkUserSubstitutions({ "bad name": "x" }), /'bad name' is not a valid name/);
    assert.throws(() => checkUserSubstitutions({ Obj: { a: 1 } as never }), /'Obj' must be a string/);
  });

  it("reads JSON and YAML files, relative to the project or absolute, and names the key in errors", () => {
    fs.writeFileSync(path.join(dir, "a.json"), JSON.stringify({ StartAt: "A", States: { A: { Type: "Succeed" } } }));
    fs.writeFileSync(path.join(dir, "b.yaml"), "StartAt: B\nStates:\n  B:\n    Type: Succeed\n");
    fs.writeFileSync(path.join(dir, "bad.yaml"), "StartAt: [\n");
    fs.writeFileSync(path.join(dir, "list.json"), "[1, 2]");
    assert.equal(loadDefinitionFile("a.json", dir).StartAt, "A");
    assert.equal(loadDefinitionFile(path.join(dir, "b.yaml"), "/nowhere").StartAt, "B");
    assert.throws(() => loadDefinitionFile("missing.json", dir), /^DefinitionError: definitionFile = 'missing\.json': no such file/);
    assert.throws(() => loadDefinitionFile("bad.yaml", dir), /definitionFile = 'bad\.yaml' is neither JSON nor YAML/);
    assert.throws(() => loadDefinitionFile("list.json", dir), /must hold an ASL object with StartAt/);
    // YAML alias bombs are cut short rather than expanded.
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      ...Array.from({ length: 9 }, (_, i) => `${"bcdefghij"[i]}: &${"bcdefghij"[i]} [${Array(10).fill(`*${"abcdefghi"[i]}`).join(", ")}]`),
      "StartAt: A",
      "States: {A: {Type: Succeed}}",
    ].join("\n");
    assert.throws(() => parseDefinitionText(bomb, "bomb"), /bomb is neither JSON nor YAML/);
  });
});
