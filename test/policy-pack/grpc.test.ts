// Runs the pack the way the Pulumi CLI does, without the CLI: start @pulumi/pulumi/cmd/run-policy-pack in
// policy-pack/ (it loads index.ts with ts-node and serves the Analyzer gRPC service), read the port it prints,
// and speak the Analyzer protocol with @pulumi/pulumi/proto. Importing index.ts here would start a server in mocha.
import { strict as assert } from "node:assert";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ACCOUNT, APAC_SONNET_4, allow, fixture, policyDocument } from "./helpers";

const PACK_DIR = path.resolve(__dirname, "..", "..", "policy-pack");
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const LEVELS: Record<number, string> = {
  [analyzer.EnforcementLevel.ADVISORY]: "advisory",
  [analyzer.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzer.EnforcementLevel.DISABLED]: "disabled",
};

/** The pack's own runner when its dependencies are installed (`npm install` in policy-pack/), else the project's. */
function runnerPath(): string {
  const own = path.join(PACK_DIR, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
  return fs.existsSync(own) ? own : path.dirname(require.resolve("@pulumi/pulumi/cmd/run-policy-pack"));
}

function startPack(): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    // The first argument is the engine address the CLI passes; the runner does not dial it.
    const child = spawn(process.execPath, [runnerPath(), "127.0.0.1:0", "."], { cwd: PACK_DIR, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`no port from run-policy-pack within 50 s; stderr: ${err}`)), 50_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^(\d+)\s*$/m.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]) });
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`run-policy-pack exited with ${code}: ${err}`));
    });
  });
}

function call<Req, Res>(method: (req: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => method(request, (e, r) => (e ? reject(e) : resolve(r))));
}

function options(): analyzer.AnalyzerResourceOptions {
  return new analyzer.AnalyzerResourceOptions().setProtect(false).setCustomtimeouts(new analyzer.AnalyzerResourceOptions.CustomTimeouts());
}

function analyzeRequest(type: string, name: string, props: Record<string, unknown>): analyzer.AnalyzeRequest {
  return new analyzer.AnalyzeRequest()
    .setType(type)
    .setName(name)
    .setUrn(`urn:pulumi:dev::bedrock-sfn::${type}::${name}`)
    .setProperties(Struct.fromJavaScript(props as never))
    .setOptions(options());
}

interface Diagnostic {
  policy: string;
  level: string;
  message: string;
}

const diagnostics = (response: analyzer.AnalyzeResponse): Diagnostic[] =>
  response.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), level: LEVELS[d.getEnforcementlevel()], message: d.getMessage() }));

describe("policy pack over gRPC, as the Pulumi CLI runs it", function () {
  this.timeout(60_000);
  let child: ChildProcess | undefined;
  let client: AnalyzerClient;
  let info: analyzer.AnalyzerInfo;

  /** Configure as the CLI does: every policy, at its default level, with its schema's defaults (plus overrides). */
  async function configure(overrides: Record<string, Record<string, unknown>> = {}): Promise<void> {
    const request = new analyzer.ConfigureAnalyzerRequest();
    for (const policy of info.getPoliciesList()) {
      const defaults: Record<string, unknown> = {};
      const schema = policy.getConfigschema()?.getProperties()?.toJavaScript() ?? {};
      for (const [key, spec] of Object.entries(schema)) defaults[key] = (spec as { default?: unknown }).default;
      const props = { ...defaults, ...(overrides[policy.getName()] ?? {}) };
      request.getPolicyconfigMap().set(policy.getName(), new analyzer.PolicyConfig().setEnforcementlevel(policy.getEnforcementlevel()).setProperties(Struct.fromJavaScript(props as never)));
    }
    await call(client.configure.bind(client), request);
  }

  const analyze = async (type: string, name: string, props: Record<string, unknown>) =>
    diagnostics(await call(client.analyze.bind(client), analyzeRequest(type, name, props)));
  const urnOf = (type: string, name: string) => `urn:pulumi:dev::bedrock-sfn::${type}::${name}`;
  const stackResource = (type: string, name: string, props: Record<string, unknown>, deps: Record<string, string[]> = {}) => {
    const r = new analyzer.AnalyzerResource().setType(type).setName(name).setUrn(urnOf(type, name)).setProperties(Struct.fromJavaScript(props as never)).setOptions(options());
    for (const [key, urns] of Object.entries(deps)) r.getPropertydependenciesMap().set(key, new analyzer.AnalyzerPropertyDependencies().setUrnsList(urns));
    return r;
  };
  const analyzeStack = async (resources: analyzer.AnalyzerResource[]) =>
    diagnostics(await call<analyzer.AnalyzeStackRequest, analyzer.AnalyzeResponse>(client.analyzeStack.bind(client), new analyzer.AnalyzeStackRequest().setResourcesList(resources)));
  const analyzeRolePolicy = (policy: unknown) =>
    analyze("aws:iam/rolePolicy:RolePolicy", "exec-policy", { role: "exec-role", policy: typeof policy === "string" ? policy : JSON.stringify(policy) });

  before(async () => {
    const started = await startPack();
    child = started.child;
    client = new AnalyzerClient(`127.0.0.1:${started.port}`, grpc.credentials.createInsecure());
    info = await call(client.getAnalyzerInfo.bind(client), new Empty());
    await configure();
  });

  after(() => {
    client?.close();
    child?.kill();
  });

  it("describes the pack and its policies (GetAnalyzerInfo)", () => {
    assert.equal(info.getName(), "bedrock-sfn");
    const policies = Object.fromEntries(info.getPoliciesList().map((p) => [p.getName(), p]));
    assert.deepEqual(Object.keys(policies).sort(), [
      "bedrock-data-residency", "bedrock-inference-profile-arn", "bedrock-least-privilege", "bedrock-profile-routed-regions",
      "bedrock-state-machine-role", "iam-policy-readable",
    ]);
    assert.equal(LEVELS[policies["bedrock-least-privilege"].getEnforcementlevel()], "advisory");
    assert.equal(LEVELS[policies["bedrock-profile-routed-regions"].getEnforcementlevel()], "mandatory");
    assert.equal(policies["bedrock-state-machine-role"].getPolicyType(), analyzer.PolicyType.POLICY_TYPE_STACK);
    const schema = policies["bedrock-data-residency"].getConfigschema()!.getProperties()!.toJavaScript();
    assert.deepEqual(Object.keys(schema).sort(), ["allowGlobalProfiles", "allowedRegions"]);
    for (const p of Object.values(policies)) assert.match(p.getDescription(), /Fix/, `${p.getName()} tells how to fix it`);
  });

  it("rejects seed 001's first two policies, naming what is missing, and accepts the third (Analyze)", async () => {
    const first = await analyzeRolePolicy(fixture("seed-001-1-console-generated.json"));
    const profileArn = first.find((d) => d.policy === "bedrock-inference-profile-arn" && d.level === "mandatory");
    assert.ok(profileArn, JSON.stringify(first));
    assert.ok(profileArn.message.includes(`inference-profile/${APAC_SONNET_4}`));

    // Routed Regions are judged over the union of a role's policies, so over the stack (AnalyzeStack).
    const second = await analyzeStack([stackResource("aws:iam/rolePolicy:RolePolicy", "exec-policy", { role: "exec-role", policy: JSON.stringify(fixture("seed-001-2-profile-added.json")) })]);
    const routed = second.find((d) => d.policy === "bedrock-profile-routed-regions");
    assert.equal(routed?.level, "mandatory");
    for (const region of ["ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-4"]) {
      assert.ok(routed!.message.includes(`arn:aws:bedrock:${region}::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0`), region);
    }

    const third = await analyzeRolePolicy(fixture("seed-001-3-ap-wildcard.json"));
    assert.deepEqual(third.filter((d) => d.level === "mandatory"), []);
    const thirdStack = await analyzeStack([stackResource("aws:iam/rolePolicy:RolePolicy", "exec-policy", { role: "exec-role", policy: JSON.stringify(fixture("seed-001-3-ap-wildcard.json")) })]);
    assert.deepEqual(thirdStack.filter((d) => d.level === "mandatory"), []);
  });

  it("accepts the SAM template's policy from seed 000 without any diagnostic", async () => {
    assert.deepEqual(await analyzeRolePolicy(fixture("seed-000-sam-template.json")), []);
  });

  it("turns unknown and malformed policies into diagnostics, advisory when it cannot judge", async () => {
    const unknown = await analyzeRolePolicy(UNKNOWN);
    assert.ok(unknown.length > 0 && unknown.every((d) => d.level === "advisory"), JSON.stringify(unknown));
    assert.match(unknown[0].message, /not known during preview/);
    const malformed = await analyzeRolePolicy("{ nope");
    assert.deepEqual(malformed.map((d) => [d.policy, d.level]), [["iam-policy-readable", "mandatory"]]);
  });

  it("judges the whole stack: a state machine's role and routed Regions (AnalyzeStack)", async () => {
    const urn = (type: string, name: string) => `urn:pulumi:dev::bedrock-sfn::${type}::${name}`;
    const resource = (type: string, name: string, props: Record<string, unknown>, deps: Record<string, string[]> = {}) => {
      const r = new analyzer.AnalyzerResource()
        .setType(type)
        .setName(name)
        .setUrn(urn(type, name))
        .setProperties(Struct.fromJavaScript(props as never))
        .setOptions(options());
      for (const [key, urns] of Object.entries(deps)) r.getPropertydependenciesMap().set(key, new analyzer.AnalyzerPropertyDependencies().setUrnsList(urns));
      return r;
    };
    const provider = new analyzer.AnalyzerProviderResource().setType("pulumi:providers:aws").setName("default").setUrn(urn("pulumi:providers:aws", "default")).setProperties(Struct.fromJavaScript({ region: "ap-northeast-1" }));
    const roleUrn = urn("aws:iam/role:Role", "exec-role");
    const profile = `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/${APAC_SONNET_4}`;
    // Preview-like: the role's ARN is unknown; the engine's property dependencies link the resources.
    const resources = [
      resource("aws:iam/role:Role", "exec-role", { name: "exec-role-1a2b3c4", arn: UNKNOWN }),
      resource("aws:iam/rolePolicy:RolePolicy", "exec-policy", { role: "exec-role-1a2b3c4", policy: JSON.stringify(policyDocument(allow([profile, "arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0"]))) }, { role: [roleUrn] }),
      resource("aws:sfn/stateMachine:StateMachine", "workflow", { roleArn: UNKNOWN, definition: JSON.stringify(fixture("seed-001-definition.json")) }, { roleArn: [roleUrn] }).setProvider(provider),
    ];
    const response = await call<analyzer.AnalyzeStackRequest, analyzer.AnalyzeResponse>(client.analyzeStack.bind(client), new analyzer.AnalyzeStackRequest().setResourcesList(resources));
    const stackView = diagnostics(response).filter((d) => d.policy === "bedrock-state-machine-role");
    assert.equal(stackView.length, 1, JSON.stringify(diagnostics(response)));
    assert.equal(stackView[0].level, "mandatory");
    assert.match(stackView[0].message, /StateMachine 'workflow' runs as Role 'exec-role'/);
    assert.ok(stackView[0].message.includes("arn:aws:bedrock:ap-southeast-4::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0"));
  });

  it("applies configuration sent with Configure (data residency)", async () => {
    const policy = policyDocument(allow(`arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/${APAC_SONNET_4}`), allow("arn:aws:bedrock:ap-*::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0", { Condition: { StringEquals: { "bedrock:InferenceProfileArn": `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/${APAC_SONNET_4}` } } }));
    assert.deepEqual(await analyzeRolePolicy(policy), []);
    await configure({ "bedrock-data-residency": { allowedRegions: ["ap-northeast-*"] } });
    try {
      const residency = (await analyzeRolePolicy(policy)).filter((d) => d.policy === "bedrock-data-residency");
      assert.equal(residency.length, 1);
      assert.match(residency[0].message, /ap-south-1/);
    } finally {
      await configure();
    }
  });
});
