import * as assert from "node:assert/strict";
import { evaluateTemplate } from "../../../tools/local/runners/state-field-jsonata";
import { analyzeDefinition } from "../../../src/workflow/analysis";
import { jsonataExpressionOf, jsonataTemplate } from "../../../src/workflow/asl";
import { readTaskArguments } from "../../../src/workflow/task-arguments";
import { queryLanguageOf, walkStates } from "../../../src/workflow/walk";

describe("src/workflow/asl: JSONata {% %} strings", () => {
  it("reads the text between the markers of a string that starts with {% and ends with %}", () => {
    assert.equal(jsonataExpressionOf("{% $states.input %}"), " $states.input ");
    assert.equal(jsonataExpressionOf("{%$x%}"), "$x");
    assert.equal(jsonataExpressionOf("{%%}"), "");
  });

  it("takes anything else for a literal, as Step Functions does: padding, half markers, markers inside", () => {
    for (const literal of [" {% 1 %}", "{% 1 %} ", "{%}", "{%", "%}", "a {% 1 %}", "{% 1 %}b", "$states.input", ""]) {
      assert.equal(jsonataExpressionOf(literal), undefined, JSON.stringify(literal));
    }
  });

  it("wraps an expression so that it reads back", () => {
    const expression = "$states.input.prompt & '!'";
    assert.equal(jsonataTemplate(expression), `{% ${expression} %}`);
    assert.equal(jsonataExpressionOf(jsonataTemplate(expression))?.trim(), expression);
  });

  it("the analysis and the local runner agree on what a literal is", async () => {
    const padded = " {% $states.input.model %}";
    const reading = readTaskArguments({ Arguments: { ModelId: padded, Body: "{% $states.input.body %}" } }, "JSONata");
    assert.deepEqual(reading.field("ModelId"), { literals: [padded], dynamic: false });
    assert.equal(reading.field("Body")?.dynamic, true);
    const evaluated = await evaluateTemplate({ ModelId: padded, Body: "{% $states.input.body %}" }, { states: { input: { body: { a: 1 } } } }, "Arguments");
    assert.deepEqual(evaluated, { ModelId: padded, Body: { a: 1 } });
  });

  it("a padded expression as ModelId is a literal the analysis refuses, not a model computed at run time", () => {
    const definition = {
      QueryLanguage: "JSONata",
      StartAt: "A",
      States: { A: { Type: "Task", Resource: "arn:aws:states:::bedrock:invokeModel", Arguments: { ModelId: " {% $states.input.model %}", Body: {} }, End: true } },
    };
    const analysis = analyzeDefinition(definition, { region: "us-east-1", account: "123456789012", payloadBucket: "payloads" });
    assert.equal(analysis.problems.length, 1);
    assert.match(analysis.problems[0], /^state 'A': ModelId ' \{% \$states\.input\.model %\}': .*is not a model identifier/);
    assert.deepEqual(analysis.models, []);
  });
});

describe("src/workflow/walk: query languages", () => {
  it("a machine's own QueryLanguage, else the inherited one, else JSONPath", () => {
    assert.equal(queryLanguageOf({}), "JSONPath");
    assert.equal(queryLanguageOf({ QueryLanguage: "JSONata" }), "JSONata");
    assert.equal(queryLanguageOf({}, "JSONata"), "JSONata");
    assert.equal(queryLanguageOf({ QueryLanguage: "JSONPath" }, "JSONata"), "JSONPath");
    // Not a query language: the inherited one stands (readDefinition refuses it at the top level).
    assert.equal(queryLanguageOf({ QueryLanguage: "jsonata" }, "JSONata"), "JSONata");
  });

  it("the walk gives each nested state the language it runs in", () => {
    const machine = {
      QueryLanguage: "JSONata",
      StartAt: "Fan",
      States: {
        Fan: {
          Type: "Parallel",
          Branches: [
            { StartAt: "A", States: { A: { Type: "Pass", QueryLanguage: "JSONPath", End: true } } },
            { StartAt: "B", States: { B: { Type: "Pass", End: true } } },
          ],
          End: true,
        },
      },
    };
    assert.deepEqual(
      [...walkStates(machine)].map((visit) => [visit.path, visit.queryLanguage]),
      [
        ["Fan", "JSONata"],
        ["Fan/Branch 0/A", "JSONPath"],
        ["Fan/Branch 1/B", "JSONata"],
      ],
    );
  });
});
