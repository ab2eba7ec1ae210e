// The local Step Functions endpoint through the real @aws-sdk/client-sfn: the JSON protocol, AWS's exception names,
// asynchronous STANDARD and synchronous EXPRESS executions, history, listing, paging and stopping.
import * as assert from "node:assert/strict";
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidExecutionInput,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StateMachineDoesNotExist,
  StateMachineTypeNotSupported,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import type { WorkflowRun } from "../../../tools/local/runners/execution";
import type { LocalStateMachine } from "../../../tools/local/cloud/executions";
import { startStepFunctionsEndpoint, type StepFunctionsEndpoint } from "../../../tools/local/cloud/step-functions-endpoint";

const ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:local-test";
const DEFINITION = JSON.stringify({
  StartAt: "Check",
  States: { Check: { Type: "Choice", Choices: [], Default: "Call" }, Call: { Type: "Task", Resource: "arn:aws:states:::bedrock:invokeModel", End: true } },
});

/** A machine whose executions end when the test says so. */
function controlledMachine(type: LocalStateMachine["type"]) {
  const pending = new Map<string, (run: WorkflowRun) => void>();
  const machine: LocalStateMachine = {
    arn: ARN,
    name: "local-test",
    type,
    definition: DEFINITION,
    roleArn: "arn:aws:iam::123456789012:role/r",
    execute: (input, name) =>
      type === "EXPRESS"
        ? Promise.resolve({ status: "SUCCEEDED", output: { echo: input }, states: ["Check", "Call"] })
        : new Promise<WorkflowRun>((resolve) => pending.set(name, resolve)),
  };
  return { machine, finish: (name: string, run: WorkflowRun) => pending.get(name)!(run) };
}

const clientFor = (endpoint: StepFunctionsEndpoint) =>
  new SFNClient({ region: "us-east-1", endpoint: endpoint.endpoint, credentials: { accessKeyId: "a", secretAccessKey: "b" }, disableHostPrefix: true });

describe("local Step Functions endpoint", () => {
  describe("STANDARD", () => {
    let endpoint: StepFunctionsEndpoint;
    let sfn: SFNClient;
    let control: ReturnType<typeof controlledMachine>;
    before(async () => {
      control = controlledMachine("STANDARD");
      endpoint = await startStepFunctionsEndpoint({ machine: control.machine });
      sfn = clientFor(endpoint);
    });
    after(async () => {
      sfn.destroy();
      await endpoint.close();
    });

    it("starts asynchronously, describes RUNNING then SUCCEEDED, and records the history invoke and the console read", async () => {
      const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: ARN, name: "one", input: '{"prompt":"hi"}' }));
      assert.equal(started.executionArn, "arn:aws:states:us-east-1:123456789012:execution:local-test:one");
      assert.ok(started.startDate instanceof Date);
      assert.equal((await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }))).status, "RUNNING");
      control.finish("one", { status: "SUCCEEDED", output: { text: "done" }, states: ["Check", "Call"] });
      await endpoint.executions.get(started.executionArn!).finished;
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
      assert.equal(described.status, "SUCCEEDED");
      assert.equal(described.output, '{"text":"done"}');
      assert.equal(described.input, '{"prompt":"hi"}');
      assert.ok(described.stopDate! >= described.startDate!);

      const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn }));
      assert.deepEqual(
        history.events!.map((e) => e.type),
        ["ExecutionStarted", "ChoiceStateEntered", "ChoiceStateExited", "TaskStateEntered", "TaskStateExited", "ExecutionSucceeded"],
      );
      assert.deepEqual(
        history.events!.map((e) => [e.id, e.previousEventId]),
        [
          [1, 0],
          [2, 1],
          [3, 2],
          [4, 3],
          [5, 4],
          [6, 5],
        ],
      );
      assert.equal(history.events![0].executionStartedEventDetails?.input, '{"prompt":"hi"}');
      assert.equal(history.events![3].stateEnteredEventDetails?.name, "Call");
      assert.equal(history.events![5].executionSucceededEventDetails?.output, '{"text":"done"}');
      const reversed = await sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn, reverseOrder: true, maxResults: 2 }));
      assert.deepEqual(
        reversed.events!.map((e) => e.type),
        ["ExecutionSucceeded", "TaskStateExited"],
      );
      const rest = await sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn, reverseOrder: true, maxResults: 2, nextToken: reversed.nextToken }));
      assert.deepEqual(
        rest.events!.map((e) => e.id),
        [4, 3],
      );
    });

    it("reports failures with error and cause, lists newest first with a status filter, and stops a running execution", async () => {
      await sfn.send(new StartExecutionCommand({ stateMachineArn: ARN, name: "two", input: "{}" }));
      control.finish("two", { status: "FAILED", error: "Bedrock.AccessDeniedException", cause: "User: x is not authorized", states: ["Check", "Call"] });
      await endpoint.executions.get(`${ARN.replace(":stateMachine:", ":execution:")}:two`).finished;
      const failed = await sfn.send(new DescribeExecutionCommand({ executionArn: `${ARN.replace(":stateMachine:", ":execution:")}:two` }));
      assert.deepEqual([failed.status, failed.error, failed.cause], ["FAILED", "Bedrock.AccessDeniedException", "User: x is not authorized"]);

      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: ARN, name: "three" }));
      const stopped = await sfn.send(new StopExecutionCommand({ executionArn, error: "UserStop", cause: "enough" }));
      assert.ok(stopped.stopDate instanceof Date);
      control.finish("three", { status: "SUCCEEDED", output: {}, states: [] }); // too late: discarded, as in AWS
      await endpoint.executions.get(executionArn!).finished;
      const aborted = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      assert.deepEqual([aborted.status, aborted.error, aborted.output], ["ABORTED", "UserStop", undefined]);

      const all = await sfn.send(new ListExecutionsCommand({ stateMachineArn: ARN }));
      assert.deepEqual(
        all.executions!.map((e) => e.name),
        ["three", "two", "one"],
      );
      const onlyFailed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: ARN, statusFilter: "FAILED" }));
      assert.deepEqual(
        onlyFailed.executions!.map((e) => e.name),
        ["two"],
      );
      const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: ARN, maxResults: 2 }));
      assert.equal(page.executions!.length, 2);
      const next = await sfn.send(new ListExecutionsCommand({ stateMachineArn: ARN, maxResults: 2, nextToken: page.nextToken }));
      assert.deepEqual(
        next.executions!.map((e) => e.name),
        ["one"],
      );
      assert.equal(next.nextToken, undefined);
    });

    it("answers bad requests with AWS's exceptions", async () => {
      await sfn.send(new StartExecutionCommand({ stateMachineArn: ARN, name: "dup", input: '{"a":1}' }));
      const again = await sfn.send(new StartExecutionCommand({ stateMachineArn: ARN, name: "dup", input: '{"a":1}' }));
      assert.match(again.executionArn!, /:dup$/, "same name and input while running: the same execution");
      await assert.rejects(sfn.send(new StartExecutionCommand({ stateMachineArn: ARN, name: "dup", input: '{"a":2}' })), ExecutionAlreadyExists);
      await assert.rejects(sfn.send(new StartExecutionCommand({ stateMachineArn: ARN, input: "{not json" })), InvalidExecutionInput);
      await assert.rejects(sfn.send(new StartExecutionCommand({ stateMachineArn: `${ARN}-other` })), StateMachineDoesNotExist);
      await assert.rejects(sfn.send(new DescribeExecutionCommand({ executionArn: `${ARN}:nope` })), ExecutionDoesNotExist);
      await assert.rejects(sfn.send(new StartSyncExecutionCommand({ stateMachineArn: ARN })), StateMachineTypeNotSupported);
      await assert.rejects(sfn.send(new StartExecutionCommand({ stateMachineArn: ARN, name: "has space" })), (e: Error) => e.name === "InvalidName");
      await assert.rejects(
        sfn.send(new StartExecutionCommand({ stateMachineArn: ARN, input: JSON.stringify({ p: "x".repeat(262_144) }) })),
        (e: Error) => e.name === "ValidationException" && /262144/.test(e.message),
      );
      await assert.rejects(sfn.send(new ListExecutionsCommand({ stateMachineArn: ARN, nextToken: "garbage" })), (e: Error) => e.name === "InvalidToken");
      control.finish("dup", { status: "SUCCEEDED", output: {}, states: [] });
    });
  });

  it("EXPRESS: StartSyncExecution answers when the run has ended", async () => {
    const endpoint = await startStepFunctionsEndpoint({ machine: controlledMachine("EXPRESS").machine });
    const sfn = clientFor(endpoint);
    try {
      const result = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: ARN, name: "sync", input: '{"prompt":"hi"}' }));
      assert.equal(result.status, "SUCCEEDED");
      assert.equal(result.output, JSON.stringify({ echo: { prompt: "hi" } }));
      assert.match(result.executionArn!, /^arn:aws:states:us-east-1:123456789012:express:local-test:sync:[0-9a-f-]{36}$/);
    } finally {
      sfn.destroy();
      await endpoint.close();
    }
  });
});
