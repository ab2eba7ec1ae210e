// bedrock-sfn check over files written in each format (SAM in the write-ups' shape, a real aws-cdk-lib template, a
// Terraform plan with values known only after apply, bare policies): each gives the pack's verdict, naming the
// missing Regions or the profile, at the file and line where the user wrote the resource.
import { scratchDir } from "../../support/scratch";
import { readSource } from "../../../tools/check/source";
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkFile } from "../../../tools/check/check";
import type { CheckFinding } from "../../../tools/check/judge";
import { main } from "../../../tools/cli/check";

const FIXTURES = path.resolve(__dirname, "../../fixtures/check");
const fixture = (name: string) => path.join(FIXTURES, name);
const ROOT = path.resolve(__dirname, "../../..");
const MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const US_PROFILE = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const model = (region: string) => `arn:aws:bedrock:${region}::foundation-model/${MODEL}`;

const mandatory = (findings: CheckFinding[]) => findings.filter((f) => f.level === "mandatory");
const show = (findings: CheckFinding[]) => findings.map((f) => `${f.policy} ${f.resource}: ${f.message}`).join("\n");

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const code = await main(argv, (t) => {
    out += t;
  });
  return { code, out };
}

describe("bedrock-sfn check", () => {
  describe("SAM templates (the write-ups' shape)", () => {
    it("names the Regions a role granting the profile and its source-Region model lacks, at the role's line", async () => {
      const { findings } = await checkFile(fixture("sam-profile-source-region-only.yaml"), { region: "us-east-1", account: "111122223333" });
      const routed = findings.find((f) => f.policy === "bedrock-profile-routed-regions");
      assert.ok(routed, show(findings));
      assert.equal(routed.level, "mandatory");
      assert.equal(routed.resource, "StateMachineRole");
      assert.equal(routed.line, 38);
      assert.ok(routed.message.includes(model("us-east-2")) && routed.message.includes(model("us-west-2")), routed.message);
      assert.ok(!routed.message.includes(`${model("us-east-1")}\n`), "the source Region's model is granted");
      const machine = findings.find((f) => f.policy === "bedrock-state-machine-role");
      assert.equal(machine?.resource, "StateMachine");
      assert.equal(machine?.line, 14);
      assert.match(machine?.message ?? "", /routed to us-west-2/);
    });

    it("passes the same template once the role grants every routed Region (!Sub, !Join, parameters, DefinitionSubstitutions)", async () => {
      const { findings } = await checkFile(fixture("sam-profile-all-regions.yaml"), { region: "us-east-1", account: "111122223333" });
      assert.deepEqual(findings, []);
    });

    it("resolves AWS::Region from --region: deployed in us-west-2, the models of us-east-1 and us-east-2 are missing", async () => {
      const { findings } = await checkFile(fixture("sam-profile-source-region-only.yaml"), { region: "us-west-2", account: "111122223333" });
      const routed = findings.find((f) => f.policy === "bedrock-profile-routed-regions");
      assert.ok(routed?.message.includes(`arn:aws:bedrock:us-west-2:111122223333:inference-profile/${US_PROFILE}`), show(findings));
      assert.ok(routed?.message.includes(model("us-east-1")) && routed.message.includes(model("us-east-2")), routed?.message);
    });

    it("takes --parameter over a parameter's default", async () => {
      const { findings } = await checkFile(fixture("sam-profile-all-regions.yaml"), {
        region: "us-east-1",
        account: "111122223333",
        parameters: { FoundationModelId: "anthropic.claude-3-haiku-20240307-v1:0" },
      });
      const routed = findings.find((f) => f.policy === "bedrock-profile-routed-regions");
      assert.ok(routed?.message.includes(model("us-east-2")), show(findings));
    });

    it("judges the write-up's own wildcard grant of a global profile as allowing every call", async () => {
      const { findings } = await checkFile(fixture("sam-seed-wildcards.yaml"), { region: "ap-northeast-1" });
      assert.deepEqual(mandatory(findings), [], show(findings));
    });

    it("names the Region-less model ARN a global profile needs when the write-up's grant is narrowed to the source Region", async () => {
      const { findings } = await checkFile(fixture("sam-global-profile-source-region-only.yaml"), { region: "ap-northeast-1" });
      const machine = mandatory(findings).find((f) => f.policy === "bedrock-state-machine-role");
      assert.equal(machine?.resource, "StateMachine", show(findings));
      assert.ok(machine?.message.includes(`arn:aws:bedrock:::foundation-model/${MODEL}`), machine?.message);
    });

    it("judges a SAM machine without Role by the role SAM creates from its Policies, and notes what it cannot read", async () => {
      const file = path.join(scratchDir("check-sam-"), "template.yaml");
      fs.writeFileSync(
        file,
        [
          "Transform: AWS::Serverless-2016-10-31",
          "Conditions:",
          "  Never: !Equals [a, b]",
          "Resources:",
          "  Machine:",
          "    Type: AWS::Serverless::StateMachine",
          "    Properties:",
          "      Definition:",
          "        StartAt: Call",
          "        States:",
          "          Call:",
          "            Type: Task",
          "            Resource: arn:aws:states:::bedrock:invokeModel",
          "            Parameters:",
          `              ModelId: !If [Never, x, !Sub "arn:aws:bedrock:\${AWS::Region}:\${AWS::AccountId}:inference-profile/${US_PROFILE}"]`,
          "              Body: {}",
          "            End: true",
          "      Policies:",
          "        - LambdaInvokePolicy: {FunctionName: f}",
          "        - Statement:",
          "            - Effect: Allow",
          "              Action: bedrock:InvokeModel",
          `              Resource: !Sub "arn:aws:bedrock:\${AWS::Region}:\${AWS::AccountId}:inference-profile/${US_PROFILE}"`,
          "  Other:",
          "    Type: AWS::Serverless::StateMachine",
          "    Properties:",
          "      DefinitionUri: statemachine/other.asl.json",
          "      Role: arn:aws:iam::111122223333:role/elsewhere",
          "",
        ].join("\n"),
      );
      const { findings, notes } = await checkFile(file, { region: "us-east-1" });
      const machine = findings.find((f) => f.policy === "bedrock-state-machine-role" && f.level === "mandatory");
      assert.equal(machine?.resource, "Machine");
      assert.equal(machine?.line, 5);
      assert.ok(machine?.message.includes(model("us-east-1")), show(findings));
      assert.ok(
        findings.some((f) => f.policy === "bedrock-profile-routed-regions" && f.resource === "Machine (the role SAM creates for it)"),
        show(findings),
      );
      const text = notes.map((n) => n.message).join("\n");
      assert.match(text, /LambdaInvokePolicy is expanded by SAM/);
      assert.match(text, /DefinitionUri "statemachine\/other.asl.json" is not fetched/);
    });
  });

  describe("a template synthesized by aws-cdk-lib 2.276.0 (BedrockInvokeModel with a cross-Region profile)", () => {
    it("reports that the CDK grants the profile ARN only: every routed Region's model is missing", async () => {
      const { findings } = await checkFile(fixture("cdk-invoke-model-profile.template.json"), { region: "us-east-1" });
      const routed = findings.find((f) => f.policy === "bedrock-profile-routed-regions");
      assert.equal(routed?.level, "mandatory", show(findings));
      assert.equal(routed?.resource, "StateMachineRoleDefaultPolicyDF1E6607");
      assert.equal(routed?.line, 49);
      for (const region of ["us-east-1", "us-east-2", "us-west-2"]) assert.ok(routed?.message.includes(model(region)), region);
      assert.ok(findings.some((f) => f.policy === "bedrock-state-machine-role" && f.resource === "StateMachine2E01A3A5" && f.level === "mandatory"));
    });

    it("passes the CDK stack that adds the routed grants with addToRolePolicy", async () => {
      const { findings } = await checkFile(fixture("cdk-invoke-model-routed-grants.template.json"), { region: "us-east-1" });
      assert.deepEqual(findings, []);
    });
  });

  describe("Terraform plans (terraform show -json)", () => {
    it("links a role known only after apply through the configuration's references, and names the missing Regions", async () => {
      const { findings, input } = await checkFile(fixture("terraform-plan-source-region-only.json"));
      assert.equal(input.region, "us-east-1", "the provider's Region, from var.region");
      const machine = mandatory(findings).find((f) => f.policy === "bedrock-state-machine-role");
      assert.equal(machine?.resource, "aws_sfn_state_machine.this", show(findings));
      assert.match(machine?.message ?? "", /runs as Role 'aws_iam_role.sfn'/);
      assert.ok(machine?.message.includes(model("us-east-2")) && machine.message.includes(model("us-west-2")));
      assert.ok(mandatory(findings).some((f) => f.policy === "bedrock-profile-routed-regions" && f.resource === "aws_iam_role_policy.bedrock"));
    });

    it("passes once an aws_iam_policy attached by an ARN known only after apply grants the routed Regions", async () => {
      const { findings } = await checkFile(fixture("terraform-plan-all-regions.json"));
      assert.deepEqual(findings, []);
    });
  });

  describe("bare IAM policies", () => {
    it("takes the source Region from the profile ARN and names every missing Region", async () => {
      const { findings } = await checkFile(fixture("policy-profile-only.json"));
      const [routed] = mandatory(findings);
      assert.equal(routed?.policy, "bedrock-profile-routed-regions", show(findings));
      for (const region of ["eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-3"]) assert.ok(routed.message.includes(model(region)), region);
    });

    it("passes the policy the component writes for that profile", async () => {
      const { findings } = await checkFile(fixture("policy-profile-all-regions.json"));
      assert.deepEqual(findings, []);
    });
  });

  describe("output and exit codes", () => {
    it("exits 1 with a mandatory finding, 0 without, over several files", async () => {
      assert.equal((await run(["--region", "us-east-1", fixture("sam-profile-all-regions.yaml"), fixture("policy-profile-all-regions.json")])).code, 0);
      const { code, out } = await run(["--region", "us-east-1", fixture("sam-profile-all-regions.yaml"), fixture("policy-profile-only.json")]);
      assert.equal(code, 1);
      assert.match(out, /policy-profile-only\.json:1: mandatory bedrock-profile-routed-regions/);
      assert.match(out, /1 finding \(1 mandatory, 0 advisory\) in 2 files/);
    });

    it("checks a cdk.out-like folder as its *.template.json files", async () => {
      const { code, out } = await run(["--format", "json", "--region", "us-east-1", FIXTURES]);
      assert.equal(code, 1);
      const files = new Set((JSON.parse(out) as { findings: CheckFinding[] }).findings.map((f) => path.basename(f.file)));
      assert.deepEqual([...files], ["cdk-invoke-model-profile.template.json"]);
      await assert.rejects(run([scratchDir("check-empty-")]), /a folder without \*\.template\.json files/);
    });

    it("prints {findings: [{policy, level, message, file, line, resource}]} with --format json", async () => {
      const { code, out } = await run(["--format", "json", "--region", "us-east-1", "--account", "111122223333", fixture("sam-profile-source-region-only.yaml")]);
      assert.equal(code, 1);
      const report = JSON.parse(out) as { findings: CheckFinding[] };
      const routed = report.findings.find((f) => f.policy === "bedrock-profile-routed-regions");
      assert.deepEqual(Object.keys(routed ?? {}).sort(), ["file", "level", "line", "message", "policy", "resource"]);
      assert.equal(routed?.file, fixture("sam-profile-source-region-only.yaml"));
      assert.ok(report.findings.every((f) => f.level === "mandatory" || f.level === "advisory"));
    });

    it("refuses bad usage with one line (exit 2 through runCli)", async () => {
      await assert.rejects(run(["--format", "xml", "x.yaml"]), /--format 'xml' is not a format; use one of text, json, sarif/);
      await assert.rejects(run(["--region", "mars-1", "x.yaml"]), /--region 'mars-1' is not a Region name/);
      await assert.rejects(run(["--parameter", "novalue", "x.yaml"]), /--parameter 'novalue' must be <key>=<value>/);
      await assert.rejects(run([]), /give at least one FILE/);
    });

    it("names the file and what is wrong when it cannot be read", async () => {
      const dir = scratchDir("check-bad-");
      const cases: [string, string, RegExp][] = [
        ["broken.json", '{"Resources": ', /broken\.json: is not valid JSON/],
        ["broken.yaml", "Resources:\n  A: [\n", /broken\.yaml: is not valid YAML \(line \d+/],
        ["other.json", '{"hello": 1}', /other\.json: is not a CloudFormation\/SAM template \(no Resources\)/],
      ];
      for (const [name, text, message] of cases) {
        fs.writeFileSync(path.join(dir, name), text);
        await assert.rejects(checkFile(path.join(dir, name)), (e: Error & { kind?: string }) => message.test(e.message) && e.kind === "input" && !e.message.includes("\n"));
      }
      await assert.rejects(checkFile(path.join(dir, "missing.yaml")), /missing\.yaml: cannot be read \(ENOENT\)/);
    });

    it("exits 2 from the bin on an unreadable file, with one line on stderr", function () {
      this.timeout(120_000);
      const result = spawnSync(process.execPath, [path.join(ROOT, "tools/cli/bedrock-sfn.js"), "check", "no-such-file.yaml"], { encoding: "utf8", cwd: os.tmpdir() });
      assert.equal(result.status, 2, result.stderr);
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
      assert.match(result.stderr, /no-such-file\.yaml: cannot be read/);
    });
  });
});

describe("bedrock-sfn check: hostile input", () => {
  const write = (name: string, text: string) => {
    const file = path.join(scratchDir("check-hostile-"), name);
    fs.writeFileSync(file, text);
    return file;
  };

  it("refuses exponentially expanding YAML aliases as unreadable, naming the file", async () => {
    const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(", ")}]`,
      );
    const file = write("laughs.yaml", `${lines.join("\n")}\nResources: {}\n`);
    await assert.rejects(checkFile(file), (e: Error & { kind?: string }) => e.kind === "input" && /laughs\.yaml: cannot be read as YAML/.test(e.message));
  });

  it("refuses intrinsics nested past the bound as unreadable input, not a crash", async () => {
    let value: unknown = "x";
    for (let i = 0; i < 300; i++) value = { "Fn::Join": ["", [value]] };
    const file = write("deep.json", JSON.stringify({ Resources: { R: { Type: "AWS::IAM::Role", Properties: { RoleName: value } } } }));
    await assert.rejects(checkFile(file), (e: Error & { kind?: string }) => e.kind === "input" && /deep\.json: cannot be read \(the template nests/.test(e.message));
  });

  it("keeps a __proto__ key as data", async () => {
    const file = write("proto.json", '{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"Tags": [{"Key": "k", "Value": "v", "__proto__": {"polluted": true}}]}}}}');
    await checkFile(file);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("keeps a __proto__ key in YAML as data, and reads 2012-10-17 as a string", async () => {
    const file = write("proto.yaml", "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Version: 2012-10-17\n      __proto__:\n        polluted: true\n");
    const source = readSource(file);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const properties = (source.value.Resources as Record<string, { Properties: Record<string, unknown> }>).R.Properties;
    assert.equal(properties.Version, "2012-10-17");
    assert.equal(source.resourceLine("R"), 2);
  });
});
