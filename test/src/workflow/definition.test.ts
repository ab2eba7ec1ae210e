import { strict as assert } from "node:assert";
import aslValidator = require("asl-validator");
import {
  buildDefinition,
  DefinitionOptionsError,
  NON_RETRYABLE_BEDROCK_ERRORS,
  STATE_NAMES,
  TIMEOUT_ERRORS,
  TRANSIENT_BEDROCK_ERRORS,
  type DefinitionOptions,
  type StateMachineDefinition,
  type TaskState,
} from "../../../src/workflow";
import { allOptions, BUCKET, describeOptions, optionsFor } from "./helpers/fixtures";

const taskStates = (definition: StateMachineDefinition) => Object.entries(definition.States).filter((entry): entry is [string, TaskState] => entry[1].Type === "Task");

describe("src/workflow/buildDefinition: structure", () => {
  describe("is a valid ASL definition (asl-validator)", () => {
    for (const options of allOptions()) {
      it(describeOptions(options), () => {
        const definition = buildDefinition(options);
        // asl-validator adds QueryLanguage to every state: give it a copy.
        const { isValid, errorsText } = aslValidator(structuredClone(definition) as never);
        assert.ok(isValid, errorsText("\n"));
        assert.deepEqual(JSON.parse(JSON.stringify(definition)), definition, "survives JSON round trip unchanged");
      });
    }
  });

  it("stays valid with a system prompt full of characters that need escaping", () => {
    const systemPrompt = `Quote " apostrophe ' backslash \\ braces {} {% %} dollar $x\nnew line\ttab ✓`;
    for (const queryLanguage of ["JSONata", "JSONPath"] as const) {
      for (const family of ["meta-llama", "mistral", "amazon-titan-text", "anthropic"] as const) {
        const definition = buildDefinition(optionsFor(family, { queryLanguage, systemPrompt }));
        const { isValid, errorsText } = aslValidator(structuredClone(definition) as never);
        assert.ok(isValid, `${family} ${queryLanguage}: ${errorsText("\n")}`);
      }
    }
  });

  it("JSONata: starts at the one Task state (the input check is inside its Arguments)", () => {
    const definition = buildDefinition(optionsFor("anthropic"));
    assert.equal(definition.QueryLanguage, "JSONata");
    assert.equal(definition.StartAt, STATE_NAMES.invokeModel);
    assert.ok(!Object.values(definition.States).some((state) => state.Type === "Choice"));
    const tasks = taskStates(definition);
    assert.deepEqual(
      tasks.map(([name]) => name),
      [STATE_NAMES.invokeModel],
    );
    assert.equal(tasks[0][1].Resource, "arn:aws:states:::bedrock:invokeModel");
    assert.deepEqual(Object.keys(definition.States).sort(), [STATE_NAMES.invocationFailed, STATE_NAMES.invokeModel, STATE_NAMES.validationFailed]);
  });

  it("JSONPath: every task is the Bedrock integration and ends the execution (one call per run)", () => {
    const definition = buildDefinition(optionsFor("amazon-nova", { queryLanguage: "JSONPath" }));
    assert.equal(definition.QueryLanguage, "JSONPath");
    const tasks = taskStates(definition);
    assert.equal(tasks.length, 4);
    for (const [, task] of tasks) {
      assert.equal(task.Resource, "arn:aws:states:::bedrock:invokeModel");
      assert.equal(task.End, true);
    }
  });

  it("uses the partition's task ARN", () => {
    for (const queryLanguage of ["JSONata", "JSONPath"] as const) {
      const definition = buildDefinition(optionsFor("anthropic", { queryLanguage, partition: "aws-us-gov" }));
      for (const [, task] of taskStates(definition)) {
        assert.equal(task.Resource, "arn:aws-us-gov:states:::bedrock:invokeModel");
      }
    }
  });

  describe("error handling on every task", () => {
    for (const options of allOptions().filter((o) => o.systemPrompt === undefined)) {
      it(describeOptions(options), () => {
        const definition = buildDefinition(options);
        for (const [name, task] of taskStates(definition)) {
          assert.ok(Number.isInteger(task.TimeoutSeconds) && task.TimeoutSeconds > 0, `${name}: TimeoutSeconds`);
          const retried = task.Retry.flatMap((r) => r.ErrorEquals);
          for (const error of [...TRANSIENT_BEDROCK_ERRORS, ...TIMEOUT_ERRORS]) {
            assert.ok(retried.includes(error), `${name} should retry ${error}`);
          }
          for (const error of [...NON_RETRYABLE_BEDROCK_ERRORS, "States.ALL", "States.TaskFailed"]) {
            assert.ok(!retried.includes(error), `${name} must not retry ${error}`);
          }
          for (const retrier of task.Retry) {
            assert.equal(retrier.JitterStrategy, "FULL");
            assert.ok(retrier.MaxDelaySeconds > 0 && retrier.BackoffRate > 1 && retrier.MaxAttempts > 0);
          }
          // JSONata: bad input raises in the Arguments (States.QueryEvaluationError), caught first; then everything else.
          const expected = options.queryLanguage === "JSONata" ? [["States.QueryEvaluationError"], ["States.ALL"]] : [["States.ALL"]];
          assert.deepEqual(
            task.Catch.map((c) => c.ErrorEquals),
            expected,
          );
          for (const catcher of task.Catch) assert.equal(definition.States[catcher.Next].Type, "Fail", `${name} catches into a Fail state`);
        }
      });
    }
  });

  describe("rejects bad options with an error naming the field, the value and what is valid", () => {
    const cases: Array<[string, Partial<DefinitionOptions>, RegExp]> = [
      ["empty modelId", { modelId: "" }, /modelId "".*non-empty/],
      ["unknown family", { family: "ai21" as never }, /family "ai21".*anthropic, amazon-nova/],
      ["unknown query language", { queryLanguage: "XPath" as never }, /queryLanguage "XPath".*JSONata, JSONPath/],
      ["unknown workflow type", { workflowType: "SYNC" as never }, /workflowType "SYNC".*STANDARD, EXPRESS/],
      ["bucket with capitals", { payloadBucket: "My_Bucket" }, /payloadBucket "My_Bucket".*S3 bucket name/],
      ["prefix without trailing slash", { inputPrefix: "input" }, /inputPrefix "input".*ending with '\/'/],
      ["prefix with a wildcard", { outputPrefix: "out*/" }, /outputPrefix "out\*\/"/],
      ["prefix with a leading slash", { inputPrefix: "/input/" }, /inputPrefix/],
      ["zero maxTokens", { maxTokens: 0 }, /maxTokens 0.*at least 1/],
      ["fractional maxTokens", { maxTokens: 1.5 }, /maxTokens 1.5/],
      ["temperature above 1", { temperature: 1.5 }, /temperature 1.5.*0 to 1/],
      ["odd partition", { partition: "azure" }, /partition "azure"/],
    ];
    for (const [label, override, message] of cases) {
      it(label, () => {
        assert.throws(
          () => buildDefinition(optionsFor("anthropic", override)),
          (error: unknown) => error instanceof DefinitionOptionsError && message.test(error.message),
        );
      });
    }
  });

  it("puts the configured bucket and prefixes into the definition", () => {
    const text = JSON.stringify(buildDefinition(optionsFor("anthropic", { inputPrefix: "in/big/", outputPrefix: "answers/" })));
    assert.ok(text.includes(`s3://${BUCKET}/in/big/`));
    assert.ok(text.includes(`s3://${BUCKET}/answers/`));
  });
});
