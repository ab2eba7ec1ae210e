// Runs the pack the way the Pulumi CLI does, without the CLI: start @pulumi/pulumi/cmd/run-policy-pack in
// policy-pack/ or an unpacked copy of it (it loads the package's main, dist/index.js, and serves the Analyzer gRPC
// service), read the port it prints,
// and speak the Analyzer protocol with @pulumi/pulumi/proto. Shared by the gRPC tests and the bench.
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

export const PACK_DIR = path.resolve(__dirname, "..", "..", "policy-pack");
export const LEVELS: Record<number, string> = {
  [analyzer.EnforcementLevel.ADVISORY]: "advisory",
  [analyzer.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzer.EnforcementLevel.DISABLED]: "disabled",
};

/** The pack's own runner when its dependencies are installed (`npm install` in the pack's folder), else the project's. */
function runnerPath(packDir: string): string {
  const own = path.join(packDir, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
  return fs.existsSync(own) ? own : path.dirname(require.resolve("@pulumi/pulumi/cmd/run-policy-pack"));
}

function startPack(packDir: string = PACK_DIR): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    // The first argument is the engine address the CLI passes; the runner does not dial it.
    const child = spawn(process.execPath, [runnerPath(packDir), "127.0.0.1:0", "."], { cwd: packDir, stdio: ["ignore", "pipe", "pipe"] });
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

export const urnOf = (type: string, name: string) => `urn:pulumi:dev::bedrock-sfn::${type}::${name}`;

/** An Analyze request, built once (the bench builds its requests before timing: the CLI marshals them in Go). */
export function analyzeRequest(type: string, name: string, props: Record<string, unknown>): analyzer.AnalyzeRequest {
  return new analyzer.AnalyzeRequest()
    .setType(type)
    .setName(name)
    .setUrn(urnOf(type, name))
    .setProperties(Struct.fromJavaScript(props as never))
    .setOptions(options());
}

export function stackResource(type: string, name: string, props: Record<string, unknown>, deps: Record<string, string[]> = {}): analyzer.AnalyzerResource {
  const r = new analyzer.AnalyzerResource()
    .setType(type)
    .setName(name)
    .setUrn(urnOf(type, name))
    .setProperties(Struct.fromJavaScript(props as never))
    .setOptions(options());
  for (const [key, urns] of Object.entries(deps)) r.getPropertydependenciesMap().set(key, new analyzer.AnalyzerPropertyDependencies().setUrnsList(urns));
  return r;
}

export interface Diagnostic {
  policy: string;
  level: string;
  message: string;
}

const diagnostics = (response: analyzer.AnalyzeResponse): Diagnostic[] =>
  response.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), level: LEVELS[d.getEnforcementlevel()], message: d.getMessage() }));

/** A connected client over a started pack; `configure` sends every policy at its default level with its schema defaults. */
export class PackClient {
  private constructor(
    readonly child: ChildProcess,
    readonly client: AnalyzerClient,
    readonly info: analyzer.AnalyzerInfo,
  ) {}

  static async start(packDir: string = PACK_DIR): Promise<PackClient> {
    const { child, port } = await startPack(packDir);
    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const info = await call<Empty, analyzer.AnalyzerInfo>(client.getAnalyzerInfo.bind(client), new Empty());
    const pack = new PackClient(child, client, info);
    await pack.configure();
    return pack;
  }

  async configure(overrides: Record<string, Record<string, unknown>> = {}): Promise<void> {
    const request = new analyzer.ConfigureAnalyzerRequest();
    for (const policy of this.info.getPoliciesList()) {
      const defaults: Record<string, unknown> = {};
      const schema = policy.getConfigschema()?.getProperties()?.toJavaScript() ?? {};
      for (const [key, spec] of Object.entries(schema)) defaults[key] = (spec as { default?: unknown }).default;
      const props = { ...defaults, ...(overrides[policy.getName()] ?? {}) };
      request
        .getPolicyconfigMap()
        .set(policy.getName(), new analyzer.PolicyConfig().setEnforcementlevel(policy.getEnforcementlevel()).setProperties(Struct.fromJavaScript(props as never)));
    }
    await call(this.client.configure.bind(this.client), request);
  }

  async analyze(type: string, name: string, props: Record<string, unknown>): Promise<Diagnostic[]> {
    return diagnostics(await call<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>(this.client.analyze.bind(this.client), analyzeRequest(type, name, props)));
  }

  async analyzePrepared(request: analyzer.AnalyzeRequest): Promise<Diagnostic[]> {
    return diagnostics(await call<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>(this.client.analyze.bind(this.client), request));
  }

  async analyzeStack(resources: analyzer.AnalyzerResource[]): Promise<Diagnostic[]> {
    const request = new analyzer.AnalyzeStackRequest().setResourcesList(resources);
    return diagnostics(await call<analyzer.AnalyzeStackRequest, analyzer.AnalyzeResponse>(this.client.analyzeStack.bind(this.client), request));
  }

  stop(): void {
    this.client.close();
    this.child.kill();
  }
}
