// CloudFormation's intrinsic functions as `check` resolves them offline, and the IAM pieces a template links together
// (managed policies by Ref, permissions boundaries, one AWS::IAM::Policy on several roles).
import { scratchDir } from "../../support/scratch";
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkFile } from "../../../tools/check/check";
import { TemplateResolver, UNKNOWN } from "../../../tools/check/intrinsics";

const MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const PROFILE = `us.${MODEL}`;
const model = (region: string) => `arn:aws:bedrock:${region}::foundation-model/${MODEL}`;

function resolver(template: Record<string, unknown>, parameters: Record<string, string> = {}, region = "us-east-1") {
  return new TemplateResolver(template, { region, account: "111122223333", parameters });
}

function write(text: string): string {
  const file = path.join(scratchDir("check-cfn-"), "template.yaml");
  fs.writeFileSync(file, text);
  return file;
}

describe("check: CloudFormation intrinsics", () => {
  const template = {
    Parameters: {
      Stage: { Type: "String", Default: "dev" },
      Regions: { Type: "CommaDelimitedList", Default: "us-east-1, us-west-2" },
      Ssm: { Type: "AWS::SSM::Parameter::Value<String>", Default: "/x" },
    },
    Mappings: { Models: { dev: { Id: "small" }, prod: { Id: "large" } } },
    Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Stage" }, "prod"] }, Unknowable: { "Fn::Equals": [{ "Fn::ImportValue": "x" }, "y"] } },
    Resources: {
      Role: { Type: "AWS::IAM::Role", Properties: { RoleName: { "Fn::Sub": "app-${Stage}" }, Path: "/service/" } },
      Policy: { Type: "AWS::IAM::ManagedPolicy", Properties: {} },
    },
  };

  it("resolves pseudo-parameters, the partition from the Region, and Fn::Sub with a variable map and ${!Literal}", () => {
    const r = resolver(template, {}, "cn-north-1");
    assert.equal(
      r.resolve({ "Fn::Sub": "arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:x/${!Keep}" }).value,
      "arn:aws-cn:bedrock:cn-north-1:111122223333:x/${Keep}",
    );
    // A name the template does not define cannot be substituted: the whole string is unknown, with a note.
    assert.equal(r.resolve({ "Fn::Sub": "x-${Nowhere}" }).value, UNKNOWN);
    assert.match([...r.notes].join("\n"), /Ref Nowhere: no such parameter or resource/);
    assert.equal(r.resolve({ "Fn::Sub": ["${A}-${Stage}", { A: { Ref: "AWS::Region" } }] }).value, "cn-north-1-dev");
  });

  it("reads parameters from --parameter, then defaults; lists split; SSM parameters unknown with a note", () => {
    assert.equal(resolver(template, { Stage: "prod" }).resolve({ Ref: "Stage" }).value, "prod");
    assert.deepEqual(resolver(template).resolve({ Ref: "Regions" }).value, ["us-east-1", "us-west-2"]);
    const r = resolver(template);
    assert.equal(r.resolve({ Ref: "Ssm" }).value, UNKNOWN);
    assert.match([...r.notes].join("\n"), /parameter Ssm is read from SSM \(\/x\) at deployment: give it with --parameter Ssm=<value>/);
  });

  it("gives Ref and GetAtt of resources the names and ARNs CloudFormation would, and records the link", () => {
    const { value, refs } = resolver(template).resolve([{ Ref: "Role" }, { "Fn::GetAtt": "Role.Arn" }, { Ref: "Policy" }]);
    assert.deepEqual(value, ["app-dev", "arn:aws:iam::111122223333:role/service/app-dev", "arn:aws:iam::111122223333:policy/Policy"]);
    assert.deepEqual([...refs].sort(), ["Policy", "Role"]);
  });

  it("evaluates Fn::Join, Fn::Select, Fn::Split, Fn::FindInMap and removes AWS::NoValue", () => {
    const r = resolver(template, { Stage: "prod" });
    assert.equal(
      r.resolve({ "Fn::Join": ["/", ["a", { "Fn::Select": [1, { "Fn::Split": [",", "x,y,z"] }] }, { "Fn::FindInMap": ["Models", { Ref: "Stage" }, "Id"] }]] }).value,
      "a/y/large",
    );
    assert.deepEqual(r.resolve({ A: { Ref: "AWS::NoValue" }, B: [1, { Ref: "AWS::NoValue" }] }).value, { B: [1] });
  });

  it("chooses Fn::If's branch when the condition is decidable, else the first branch with a note", () => {
    assert.equal(resolver(template, { Stage: "prod" }).resolve({ "Fn::If": ["IsProd", "p", "d"] }).value, "p");
    assert.equal(resolver(template).resolve({ "Fn::If": ["IsProd", "p", "d"] }).value, "d");
    const r = resolver(template);
    assert.equal(r.resolve({ "Fn::If": ["Unknowable", "first", "second"] }).value, "first");
    assert.match([...r.notes].join("\n"), /Fn::If Unknowable: .* judged with its first \(true\) branch/);
    assert.match([...r.notes].join("\n"), /Fn::ImportValue "x": another stack's export is not known here/);
  });

  it("makes a string unknown when any part is unknown (the pack then says it cannot judge)", () => {
    assert.equal(resolver(template).resolve({ "Fn::Join": ["", ["a", { "Fn::ImportValue": "b" }]] }).value, UNKNOWN);
    assert.equal(resolver(template).resolve({ "Fn::Sub": "${Role.RoleId}" }).value, UNKNOWN);
  });
});

describe("check: IAM pieces linked in a template", () => {
  const machine = (id: string, role: string) =>
    [
      `  ${id}:`,
      "    Type: AWS::StepFunctions::StateMachine",
      "    Properties:",
      `      RoleArn: !GetAtt ${role}.Arn`,
      "      DefinitionString: !Sub |",
      `        {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::bedrock:invokeModel",`,
      `         "Parameters": {"ModelId": "arn:aws:bedrock:\${AWS::Region}:\${AWS::AccountId}:inference-profile/${PROFILE}", "Body": {}}, "End": true}}}`,
    ].join("\n");
  const profile = `!Sub "arn:aws:bedrock:\${AWS::Region}:\${AWS::AccountId}:inference-profile/${PROFILE}"`;

  it("reads a role's policies from a ManagedPolicy attached by Ref and an AWS::IAM::Policy shared by two roles", async () => {
    const file = write(
      [
        "Resources:",
        machine("MachineA", "RoleA"),
        machine("MachineB", "RoleB"),
        "  RoleA: {Type: AWS::IAM::Role, Properties: {ManagedPolicyArns: [!Ref Models]}}",
        "  RoleB: {Type: AWS::IAM::Role, Properties: {}}",
        "  Shared:",
        "    Type: AWS::IAM::Policy",
        "    Properties:",
        "      PolicyName: profile",
        "      Roles: [!Ref RoleA, !Ref RoleB]",
        `      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: bedrock:InvokeModel, Resource: ${profile}}]}`,
        "  Models:",
        "    Type: AWS::IAM::ManagedPolicy",
        "    Properties:",
        "      PolicyDocument:",
        '        Version: "2012-10-17"',
        "        Statement:",
        `          - {Effect: Allow, Action: bedrock:InvokeModel, Resource: ["${model("us-east-1")}", "${model("us-east-2")}", "${model("us-west-2")}"]}`,
        "",
      ].join("\n"),
    );
    const { findings } = await checkFile(file, { region: "us-east-1", account: "111122223333" });
    const machines = findings.filter((f) => f.policy === "bedrock-state-machine-role" && f.level === "mandatory");
    // RoleA has the models through the managed policy; RoleB only the shared profile grant.
    assert.deepEqual(
      machines.map((f) => f.resource),
      ["MachineB"],
      findings.map((f) => `${f.policy} ${f.resource}: ${f.message}`).join("\n"),
    );
    assert.ok(machines[0].message.includes(model("us-west-2")));
  });

  it("applies a permissions boundary given by Ref to a ManagedPolicy of the template", async () => {
    const file = write(
      [
        "Resources:",
        machine("Machine", "Role"),
        "  Role:",
        "    Type: AWS::IAM::Role",
        "    Properties:",
        "      PermissionsBoundary: !Ref Boundary",
        "      Policies:",
        "        - PolicyName: bedrock",
        "          PolicyDocument:",
        '            Version: "2012-10-17"',
        `            Statement: [{Effect: Allow, Action: bedrock:InvokeModel, Resource: [${profile}, "arn:aws:bedrock:*::foundation-model/${MODEL}"]}]`,
        "  Boundary:",
        "    Type: AWS::IAM::ManagedPolicy",
        "    Properties:",
        "      PolicyDocument:",
        '        Version: "2012-10-17"',
        `        Statement: [{Effect: Allow, Action: bedrock:InvokeModel, Resource: [${profile}, "${model("us-east-1")}"]}]`,
        "",
      ].join("\n"),
    );
    const { findings } = await checkFile(file, { region: "us-east-1", account: "111122223333" });
    const refused = findings.find((f) => f.policy === "bedrock-state-machine-role" && f.level === "mandatory");
    assert.ok(refused?.message.includes(model("us-east-2")) && refused.message.includes(model("us-west-2")), findings.map((f) => f.message).join("\n"));
    assert.ok(!refused?.message.includes(`${model("us-east-1")} (a call routed`));
  });
});
