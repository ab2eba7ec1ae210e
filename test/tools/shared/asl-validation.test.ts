import * as assert from "node:assert/strict";
import { validateDefinition } from "../../../tools/shared/asl-validation";
import { readDefinition } from "../../../tools/local/runners/read-definition";
import { isBedrockSfnError } from "../../../src/core/errors";
import { invokeModelResource } from "../../../src/workflow/contract";

/** A user error of kind "definition" whose message matches. */
const definitionError = (message: RegExp) => (error: unknown) => isBedrockSfnError(error) && error.kind === "definition" && message.test(error.message);

const task = (partition: string, then: { Next: string } | { End: true } = { End: true }) => ({
  Type: "Task",
  Resource: invokeModelResource(partition),
  Arguments: { ModelId: "amazon.nova-lite-v1:0", Body: {} },
  ...then,
});

describe("local runners: the definition they are given", () => {
  it("accepts the Bedrock integration ARN of every partition, at any depth, and leaves the definition as it was", () => {
    for (const partition of ["aws", "aws-us-gov", "aws-cn", "aws-eusc", "aws-iso-b"]) {
      const definition = readDefinition({
        QueryLanguage: "JSONata",
        StartAt: "Top",
        States: {
          Top: task(partition, { Next: "Fan" }),
          Fan: { Type: "Parallel", Branches: [{ StartAt: "InBranch", States: { InBranch: task(partition) } }], Next: "Each" },
          Each: { Type: "Map", Items: "{% [1, 2] %}", ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, StartAt: "InMap", States: { InMap: task(partition) } }, End: true },
        },
      });
      const before = JSON.stringify(definition);
      assert.doesNotThrow(() => validateDefinition(definition), partition);
      assert.equal(JSON.stringify(definition), before, `${partition}: validation works on a copy`);
    }
  });

  it("refuses a definition that is not valid ASL, with the validator's reasons", () => {
    const definition = readDefinition({ StartAt: "A", States: { A: { Type: "Teleport", End: true } } });
    assert.throws(() => validateDefinition(definition), definitionError(/^the state machine definition is not valid ASL:\n./));
  });

  it("names what is missing or wrong before any state runs", () => {
    assert.throws(() => readDefinition("{"), definitionError(/^the state machine definition is not JSON: /));
    assert.throws(() => readDefinition("[]"), definitionError(/must be a JSON object/));
    assert.throws(() => readDefinition({ States: {} }), definitionError(/needs 'StartAt'/));
    assert.throws(() => readDefinition({ StartAt: "A", States: [] }), definitionError(/needs 'StartAt'/));
    assert.throws(() => readDefinition({ StartAt: "B", States: { A: {} } }), definitionError(/^StartAt names 'B', which is not among the states: A$/));
    assert.throws(
      () => readDefinition({ QueryLanguage: "jsonata", StartAt: "A", States: { A: {} } }),
      definitionError(/^QueryLanguage is 'jsonata'; valid values: JSONata, JSONPath$/),
    );
  });

  it("reads only the definition's own states, and keeps its errors short", () => {
    // "toString" is on every object's prototype, not a state of this machine.
    assert.throws(() => readDefinition({ StartAt: "toString", States: {} }), definitionError(/^StartAt names 'toString', which is not among the states: \(none\)$/));
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`S${i}`, { Type: "Succeed" }]));
    const long = "x".repeat(10_000);
    assert.throws(
      () => readDefinition({ StartAt: long, States: many }),
      (error: unknown) => definitionError(/\(5000 in all\)$/)(error) && (error as Error).message.length < 300,
    );
  });
});
