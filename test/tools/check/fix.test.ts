// --fix prints the statements each broken role lacks, in the file's language; applied, they make the file pass.
import { scratchDir } from "../../support/scratch";
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import { parse } from "yaml";
import { routedRequests } from "../../../src/bedrock/grants";
import { resolveModel } from "../../../src/bedrock/resolve";
import { checkFile } from "../../../tools/check/check";
import { main } from "../../../tools/cli/check";

const FIXTURES = path.resolve(__dirname, "../../fixtures/check");
const MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const model = (region: string) => `arn:aws:bedrock:${region}::foundation-model/${MODEL}`;

/** The independent evaluator's answer: does the role's policy allow the profile call and every routed call from us-east-1? */
function iamSimulateAllowsEveryCall(statements: object[]): boolean {
  const principal = "arn:aws:iam::111122223333:role/exec";
  const profile = `arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.${MODEL}`;
  return routedRequests(resolveModel({ modelId: profile, sourceRegion: "us-east-1", account: "111122223333" })).every((request) => {
    const result = runUnsafeSimulation(
      {
        identityPolicies: [{ name: "role", policy: { Version: "2012-10-17", Statement: statements } }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        request: {
          action: request.action,
          principal,
          resource: { resource: request.resource, accountId: "111122223333" },
          contextVariables: { "aws:PrincipalArn": principal, "aws:PrincipalAccount": "111122223333", ...request.context },
        },
      },
      {},
    );
    return String(result) === "Allowed";
  });
}

async function fix(file: string): Promise<string> {
  let out = "";
  await main(["--fix", "--region", "us-east-1", "--account", "111122223333", path.join(FIXTURES, file)], (t) => {
    out += t;
  });
  // The report comes first, then the snippets after a blank line.
  return out.slice(out.lastIndexOf(" in 1 file\n") + " in 1 file\n".length).trim();
}

describe("bedrock-sfn check --fix", () => {
  it("gives a SAM template's role the missing Regions as a YAML snippet, tied to the profile", async () => {
    const snippet = await fix("sam-profile-source-region-only.yaml");
    assert.match(snippet, /^# StateMachineRole \(.*sam-profile-source-region-only\.yaml:38\)/);
    const [statement, ...rest] = parse(snippet) as { Resource: string[]; Condition: Record<string, Record<string, string>> }[];
    assert.deepEqual(rest, []);
    assert.deepEqual(statement.Resource, [model("us-east-2"), model("us-west-2")]);
    assert.equal(statement.Condition.StringEquals["bedrock:InferenceProfileArn"], `arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.${MODEL}`);
  });

  it("gives a Terraform role an aws_iam_role_policy in HCL that refers to the role", async () => {
    const snippet = await fix("terraform-plan-source-region-only.json");
    assert.match(snippet, /resource "aws_iam_role_policy" "aws_iam_role_sfn_bedrock_routed" \{\n {2}role {3}= aws_iam_role\.sfn\.id\n {2}policy = jsonencode\(\{/);
    assert.ok(snippet.includes(model("us-east-2")) && snippet.includes(model("us-west-2")) && !snippet.includes(model("us-east-1")));
  });

  it("gives the CDK's role every routed Region's model as a JSON policy, which iam-simulate agrees completes it", async () => {
    const snippet = await fix("cdk-invoke-model-profile.template.json");
    const policy = JSON.parse(snippet.slice(snippet.indexOf("\n") + 1)) as { Statement: { Resource: string[] }[] };
    assert.deepEqual(
      policy.Statement.flatMap((s) => s.Resource),
      ["us-east-1", "us-east-2", "us-west-2"].map(model),
    );
    // The CDK's own statement (the profile ARN only), as synthesized and resolved for us-east-1 and the account.
    const cdk = { Effect: "Allow", Action: "bedrock:InvokeModel", Resource: `arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.${MODEL}` };
    assert.equal(iamSimulateAllowsEveryCall([cdk]), false);
    assert.equal(iamSimulateAllowsEveryCall([cdk, ...policy.Statement]), true);
  });

  it("completes a bare policy so that the check passes", async () => {
    const snippet = await fix("policy-profile-only.json");
    const added = JSON.parse(snippet.slice(snippet.indexOf("\n") + 1)) as { Statement: unknown[] };
    const original = JSON.parse(fs.readFileSync(path.join(FIXTURES, "policy-profile-only.json"), "utf8")) as { Statement: unknown[] };
    const fixed = path.join(scratchDir("check-fix-"), "fixed.json");
    fs.writeFileSync(fixed, JSON.stringify({ ...original, Statement: [...original.Statement, ...added.Statement] }));
    assert.deepEqual((await checkFile(fixed)).findings, []);
  });

  it("says so when nothing is missing", async () => {
    assert.equal(await fix("sam-profile-all-regions.yaml"), "--fix: nothing to add");
  });
});
