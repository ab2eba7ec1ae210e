// Terraform plans beyond the fixtures: a module's resources, inline_policy blocks, aws_iam_policy_attachment, a
// permissions boundary known only after apply, an aliased provider's Region.
import { scratchDir } from "../../support/scratch";
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkFile } from "../../../tools/check/check";

const MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const model = (region: string) => `arn:aws:bedrock:${region}::foundation-model/${MODEL}`;
const profile = (region: string) => `arn:aws:bedrock:${region}:111122223333:inference-profile/us.${MODEL}`;
const document = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const allow = (resource: string[]) => ({ Effect: "Allow", Action: "bedrock:InvokeModel", Resource: resource });

interface Planned {
  address: string;
  values: Record<string, unknown>;
  unknown?: string[];
  references?: Record<string, string[]>;
  provider?: string;
}

/** A plan in `terraform show -json` form, all resources under module.app. */
function plan(resources: Planned[], providers: Record<string, string>): string {
  const type = (address: string) => address.split(".")[2];
  const local = (address: string) => address.split(".").slice(2).join(".");
  return JSON.stringify({
    format_version: "1.2",
    terraform_version: "1.9.8",
    planned_values: {
      root_module: {
        child_modules: [
          {
            address: "module.app",
            resources: resources.map((r) => ({ address: r.address, mode: "managed", type: type(r.address), name: r.address.split(".")[3], values: r.values })),
          },
        ],
      },
    },
    resource_changes: resources.map((r) => ({
      address: r.address,
      module_address: "module.app",
      type: type(r.address),
      change: { actions: ["create"], before: null, after: r.values, after_unknown: Object.fromEntries((r.unknown ?? []).map((k) => [k, true])) },
    })),
    configuration: {
      provider_config: Object.fromEntries(Object.entries(providers).map(([key, region]) => [key, { name: "aws", expressions: { region: { constant_value: region } } }])),
      root_module: {
        module_calls: {
          app: {
            source: "./app",
            module: {
              resources: resources.map((r) => ({
                address: local(r.address),
                type: type(r.address),
                provider_config_key: r.provider ?? "aws",
                expressions: Object.fromEntries(Object.entries(r.references ?? {}).map(([k, refs]) => [k, { references: refs }])),
              })),
            },
          },
        },
      },
    },
  });
}

async function check(text: string) {
  const file = path.join(scratchDir("check-tf-"), "plan.json");
  fs.writeFileSync(file, text);
  return checkFile(file);
}

const definition = (region: string) =>
  JSON.stringify({
    StartAt: "Call",
    States: { Call: { Type: "Task", Resource: "arn:aws:states:::bedrock:invokeModel", Parameters: { ModelId: profile(region), Body: {} }, End: true } },
  });

describe("check: Terraform plans", () => {
  it("reads inline_policy blocks and aws_iam_policy_attachment inside a module, linked by references", async () => {
    const resources: Planned[] = [
      {
        address: "module.app.aws_iam_role.sfn",
        values: { name: "sfn", inline_policy: [{ name: "profile", policy: document(allow([profile("us-east-1")])) }] },
        unknown: ["arn", "id"],
      },
      { address: "module.app.aws_iam_policy.models", values: { name: "models", policy: document(allow([model("us-east-1"), model("us-east-2")])) }, unknown: ["arn"] },
      {
        address: "module.app.aws_iam_policy_attachment.models",
        values: { name: "models", roles: ["sfn"] },
        unknown: ["policy_arn"],
        references: { policy_arn: ["aws_iam_policy.models.arn", "aws_iam_policy.models"], roles: ["aws_iam_role.sfn.name", "aws_iam_role.sfn"] },
      },
      {
        address: "module.app.aws_sfn_state_machine.this",
        values: { name: "m", definition: definition("us-east-1") },
        unknown: ["role_arn"],
        references: { role_arn: ["aws_iam_role.sfn.arn", "aws_iam_role.sfn"] },
      },
    ];
    const { findings } = await check(plan(resources, { aws: "us-east-1" }));
    const machine = findings.find((f) => f.policy === "bedrock-state-machine-role" && f.level === "mandatory");
    assert.equal(machine?.resource, "module.app.aws_sfn_state_machine.this", findings.map((f) => `${f.policy}: ${f.message}`).join("\n"));
    assert.ok(machine?.message.includes(model("us-west-2")));
    assert.ok(!machine?.message.includes(`${model("us-east-2")} (a call`), "us-east-2 comes from the attached policy");
  });

  it("applies a permissions boundary known only after apply, and takes an aliased provider's Region", async () => {
    const resources: Planned[] = [
      {
        address: "module.app.aws_iam_role.sfn",
        values: { name: "sfn", inline_policy: [{ name: "all", policy: document(allow([profile("us-west-2"), `arn:aws:bedrock:*::foundation-model/${MODEL}`])) }] },
        unknown: ["arn", "permissions_boundary"],
        references: { permissions_boundary: ["aws_iam_policy.boundary.arn", "aws_iam_policy.boundary"] },
      },
      { address: "module.app.aws_iam_policy.boundary", values: { name: "boundary", policy: document(allow([profile("us-west-2"), model("us-west-2")])) }, unknown: ["arn"] },
      {
        address: "module.app.aws_sfn_state_machine.this",
        values: { name: "m", definition: definition("us-west-2") },
        unknown: ["role_arn"],
        references: { role_arn: ["aws_iam_role.sfn.arn"] },
        provider: "aws.west",
      },
    ];
    const { findings } = await check(plan(resources, { aws: "eu-west-1", "aws.west": "us-west-2" }));
    const machine = findings.find((f) => f.policy === "bedrock-state-machine-role" && f.level === "mandatory");
    assert.ok(machine?.message.includes(model("us-east-1")) && machine.message.includes(model("us-east-2")), findings.map((f) => `${f.policy}: ${f.message}`).join("\n"));
  });
});
