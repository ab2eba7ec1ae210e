// A Node.js language host for the Pulumi engine (the `pulumi-language-nodejs` plugin), for machines where the Go
// language host cannot be built: its module (`sdk/nodejs/cmd/pulumi-language-nodejs/v3`) is not on the Go module
// proxy. It does what that host does for this project: run the program with `@pulumi/pulumi/cmd/run` (ts-node,
// type-checked, as Pulumi.yaml's `typescript: true` asks), list the provider plugins the program's packages need,
// and run Node policy packs with `@pulumi/pulumi/cmd/run-policy-pack` (the engine asks the language host for that
// through RunPlugin). What it leaves out: debugging, Bun, `pulumi new`/`convert`/`package` code generation.
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as grpcTypes from "@grpc/grpc-js";
import * as langproto from "@pulumi/pulumi/proto/language_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import { PULUMI_VERSION } from "./paths";

// The gRPC runtime and the generated services must be the ones @pulumi/pulumi loads.
const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const grpc: typeof grpcTypes = require(require.resolve("@grpc/grpc-js", { paths: [sdkDir] }));
const langrpc = require("@pulumi/pulumi/proto/language_grpc_pb.js");
const emptyproto = require(require.resolve("google-protobuf/google/protobuf/empty_pb.js", { paths: [sdkDir] }));

type Unary<Req, Res> = (call: grpcTypes.ServerUnaryCall<Req, Res>, callback: grpcTypes.sendUnaryData<Res>) => void;
type Streaming<Req, Res> = (call: grpcTypes.ServerWritableStream<Req, Res>) => void;

/** The SDK's exit code for "the program already reported an actionable error": the engine then just stops. */
const EXIT_ALREADY_REPORTED = 32;

interface RuntimeOptions {
  typescript: boolean;
  tsconfig?: string;
  nodeargs: string[];
}

/** Pulumi.yaml `runtime.options` as the Go host reads them (typescript defaults to true). */
export function runtimeOptions(options: Record<string, unknown> | undefined): RuntimeOptions {
  const typescript = options?.typescript === undefined ? true : options.typescript === true || options.typescript === "true";
  const tsconfig = typeof options?.tsconfig === "string" && options.tsconfig !== "" ? options.tsconfig : undefined;
  const nodeargs = typeof options?.nodeargs === "string" ? options.nodeargs.split(/\s+/).filter(Boolean) : [];
  return { typescript, tsconfig, nodeargs };
}

/** Config keys as the SDK reads them from PULUMI_CONFIG: `<namespace>:config:<name>` (the form every SDK version accepts). */
export function configForSdk(config: Map<string, string> | Array<[string, string]>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of config) {
    const colon = key.indexOf(":");
    result[colon < 0 ? key : `${key.slice(0, colon)}:config:${key.slice(colon + 1)}`] = value;
  }
  return result;
}

/** Resource-plugin packages (`"pulumi": {"resource": true}` in package.json) installed in `<dir>/node_modules`. */
export function requiredPackages(dir: string): Array<{ name: string; version: string; server?: string }> {
  const modules = path.join(dir, "node_modules");
  const found = new Map<string, { name: string; version: string; server?: string }>();
  const visit = (pkgDir: string) => {
    let manifest: { name?: string; version?: string; pulumi?: { resource?: boolean; name?: string; version?: string; server?: string } };
    try {
      manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
    } catch {
      return;
    }
    const info = manifest.pulumi;
    if (!info?.resource) return;
    const name = info.name ?? manifest.name?.replace(/^@pulumi\//, "");
    const version = info.version ?? manifest.version;
    if (name && version) found.set(name, { name, version, ...(info.server ? { server: info.server } : {}) });
  };
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(modules);
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (entry.startsWith("@")) {
      for (const scoped of safeReaddir(path.join(modules, entry))) visit(path.join(modules, entry, scoped));
    } else if (!entry.startsWith(".")) {
      visit(path.join(modules, entry));
    }
  }
  return [...found.values()];
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function resolveModule(request: string, fromDir: string): string {
  try {
    return require.resolve(request, { paths: [fromDir] });
  } catch {
    throw new Error(`cannot find '${request}' from '${fromDir}': install the project's dependencies there (npm run setup)`);
  }
}

class LanguageHost {
  private engineAddress: string;
  readonly children = new Set<ChildProcess>();

  constructor(engineAddress: string) {
    this.engineAddress = engineAddress;
  }

  handshake: Unary<langproto.LanguageHandshakeRequest, langproto.LanguageHandshakeResponse> = (call, callback) => {
    if (call.request.getEngineAddress()) this.engineAddress = call.request.getEngineAddress();
    callback(null, new langproto.LanguageHandshakeResponse());
  };

  getPluginInfo: Unary<unknown, plugproto.PluginInfo> = (_call, callback) => {
    callback(null, new plugproto.PluginInfo().setVersion(PULUMI_VERSION));
  };

  getRequiredPlugins: Unary<unknown, unknown> = (_call, callback) => {
    callback({ code: grpc.status.UNIMPLEMENTED, details: "GetRequiredPlugins is replaced by GetRequiredPackages" });
  };

  getRequiredPackages: Unary<langproto.GetRequiredPackagesRequest, langproto.GetRequiredPackagesResponse> = (call, callback) => {
    const dir = call.request.getInfo()?.getProgramDirectory() ?? process.cwd();
    const response = new langproto.GetRequiredPackagesResponse();
    response.setPackagesList(
      requiredPackages(dir).map((p) => {
        const dependency = new plugproto.PackageDependency().setName(p.name).setKind("resource").setVersion(p.version);
        if (p.server) dependency.setServer(p.server);
        return dependency;
      }),
    );
    callback(null, response);
  };

  run: Unary<langproto.RunRequest, langproto.RunResponse> = (call, callback) => {
    const req = call.request;
    const info = req.getInfo();
    const programDir: string = info?.getProgramDirectory() || req.getPwd();
    const respond = (error: string, bail = false) => callback(null, new langproto.RunResponse().setError(error).setBail(bail));
    let runPath: string;
    try {
      runPath = resolveModule("@pulumi/pulumi/cmd/run", programDir);
    } catch (error) {
      return respond((error as Error).message);
    }
    const options = runtimeOptions(info?.getOptions()?.toJavaScript());
    const args = [...options.nodeargs, runPath];
    const flag = (name: string, value: string | number | undefined) => {
      if (value !== undefined && value !== "") args.push(`--${name}`, String(value));
    };
    flag("monitor", req.getMonitorAddress());
    flag("engine", this.engineAddress);
    flag("organization", req.getOrganization());
    flag("project", req.getProject());
    flag("root-directory", info?.getRootDirectory());
    flag("stack", req.getStack());
    flag("pwd", programDir);
    if (req.getDryrun()) args.push("--dry-run");
    flag("parallel", req.getParallel());
    args.push(info?.getEntryPoint() || ".", ...req.getArgsList());

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PULUMI_CONFIG: JSON.stringify(configForSdk(req.getConfigMap().toArray() as Array<[string, string]>)),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()),
    };
    if (options.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
    if (options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;

    // The program's output goes where the Go host sends it: this plugin's stdout and stderr, which the engine shows.
    const child = spawn(process.execPath, args, { cwd: req.getPwd() || programDir, env, stdio: ["ignore", "inherit", "inherit"] });
    this.children.add(child);
    child.on("error", (error) => {
      this.children.delete(child);
      respond(`Problem executing program (could not run node): ${error.message}`);
    });
    child.on("close", (code, signal) => {
      this.children.delete(child);
      if (code === 0) respond("");
      else if (code === EXIT_ALREADY_REPORTED) respond("", true);
      else respond(signal ? `Program was stopped by ${signal}` : `Program exited with non-zero exit code: ${code}`);
    });
  };

  runPlugin: Streaming<langproto.RunPluginRequest, langproto.RunPluginResponse> = (call) => {
    const req = call.request;
    const info = req.getInfo();
    const programDir: string = info?.getProgramDirectory() ?? req.getPwd();
    const isPolicyPack = req.getKind() === "analyzer";
    const fail = (message: string): void => {
      call.emit("error", { code: grpc.status.FAILED_PRECONDITION, details: message });
    };
    let runPath: string;
    try {
      runPath = resolveModule(isPolicyPack ? "@pulumi/pulumi/cmd/run-policy-pack" : "@pulumi/pulumi/cmd/run-plugin", programDir);
    } catch (error) {
      return fail((error as Error).message);
    }
    const options = runtimeOptions(info?.getOptions()?.toJavaScript());
    // Policy packs take the pack directory last, other plugins first (as the Go host passes them).
    const args = isPolicyPack ? [runPath, ...options.nodeargs, ...req.getArgsList(), programDir] : [runPath, ...options.nodeargs, programDir, ...req.getArgsList()];
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const entry of req.getEnvList() as string[]) {
      const eq = entry.indexOf("=");
      if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    if (options.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
    if (options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
    const child = spawn(process.execPath, args, { cwd: isPolicyPack ? programDir : req.getPwd() || programDir, env, stdio: ["ignore", "pipe", "pipe"] });
    this.children.add(child);
    child.stdout!.on("data", (chunk: Buffer) => call.write(new langproto.RunPluginResponse().setStdout(chunk)));
    child.stderr!.on("data", (chunk: Buffer) => call.write(new langproto.RunPluginResponse().setStderr(chunk)));
    child.on("error", (error) => {
      this.children.delete(child);
      fail(`Problem executing plugin program (could not run node): ${error.message}`);
    });
    child.on("close", (code) => {
      this.children.delete(child);
      call.write(new langproto.RunPluginResponse().setExitcode(code ?? 1));
      call.end();
    });
    call.on("cancelled", () => child.kill("SIGINT"));
  };

  installDependencies: Streaming<langproto.InstallDependenciesRequest, langproto.InstallDependenciesResponse> = (call) => {
    call.write(new langproto.InstallDependenciesResponse().setStdout(Buffer.from("dependencies are installed by 'npm run setup'\n")));
    call.end();
  };

  runtimeOptionsPrompts: Unary<langproto.RuntimeOptionsRequest, langproto.RuntimeOptionsResponse> = (_call, callback) => {
    callback(null, new langproto.RuntimeOptionsResponse());
  };

  about: Unary<langproto.AboutRequest, langproto.AboutResponse> = (_call, callback) => {
    callback(null, new langproto.AboutResponse().setExecutable(process.execPath).setVersion(process.version));
  };

  getProgramDependencies: Unary<langproto.GetProgramDependenciesRequest, langproto.GetProgramDependenciesResponse> = (call, callback) => {
    const dir = call.request.getInfo()?.getProgramDirectory() ?? process.cwd();
    const response = new langproto.GetProgramDependenciesResponse();
    let dependencies: Record<string, string> = {};
    try {
      dependencies = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).dependencies ?? {};
    } catch {
      // No package.json: no dependencies to report.
    }
    response.setDependenciesList(Object.entries(dependencies).map(([name, version]) => new langproto.DependencyInfo().setName(name).setVersion(String(version))));
    callback(null, response);
  };

  cancel: Unary<unknown, unknown> = (_call, callback) => {
    for (const child of this.children) child.kill("SIGINT");
    callback(null, new emptyproto.Empty());
  };
}

function main(): void {
  // The launcher's tsconfig choice is for this host only: a program or pack registers its own ts-node.
  delete process.env.TS_NODE_PROJECT;
  const args = process.argv.slice(2);
  if (args.includes("--version")) {
    process.stdout.write(`${PULUMI_VERSION}\n`);
    return;
  }
  // The engine starts language hosts as `<plugin> [--tracing url] [--runtime name] <engine address>`.
  const positional = args.filter((arg, i) => !arg.startsWith("-") && !(args[i - 1] ?? "").match(/^--?(tracing|runtime)$/));
  const host = new LanguageHost(positional[0] ?? "");
  const server = new grpc.Server({ "grpc.max_receive_message_length": 1024 * 1024 * 400 });
  const service: Record<string, unknown> = {};
  for (const method of Object.keys(langrpc.LanguageRuntimeService)) {
    const name = method.charAt(0).toLowerCase() + method.slice(1);
    const impl = (host as unknown as Record<string, unknown>)[name];
    if (typeof impl === "function") service[name] = impl.bind(host);
  }
  server.addService(langrpc.LanguageRuntimeService, service as never);
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
    if (error) {
      process.stderr.write(`pulumi-language-nodejs (bedrock-sfn stand-in): cannot listen: ${error.message}\n`);
      process.exit(1);
    }
    // The engine reads the port from the first line of stdout.
    process.stdout.write(`${port}\n`);
  });
  // The engine starts this host in a process group of its own; the programs it runs share that group. Whatever
  // ends the host (a signal, or the engine gone: a closed terminal, a killed CLI) ends them too, so none is orphaned.
  const stop = () => {
    for (const child of host.children) child.kill("SIGINT");
    server.forceShutdown();
    const killGroup = () => {
      try {
        process.kill(-process.pid, "SIGKILL");
      } catch {
        // Not a group leader (started by hand): the children got SIGINT above.
      }
      process.exit(0);
    };
    if (host.children.size === 0) killGroup();
    else setTimeout(killGroup, 2000).unref();
    setTimeout(() => process.exit(0), 2500);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, stop);
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 1000).unref();
}

if (require.main === module) main();
