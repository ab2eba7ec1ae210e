// `pulumi-resource-aws` (tools/engine/plugins/): serves the stand-in over Pulumi's provider protocol.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { AWS_PROVIDER_VERSION } from "../paths";
import { AwsStandIn } from "./provider";

const provider = new AwsStandIn();

// `pulumi.provider.main` answers Configure itself and does not pass the provider's configuration on; the stand-in
// needs `aws:region`. So wrap the Configure handler of the service it registers, on the gRPC runtime it uses.
const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdkDir] }));
/** What the wrapper reads of a Configure call (the SDK's generated protobuf classes carry no types here). */
interface ConfigureCall {
  request: {
    getArgs(): { toJavaScript(): { region?: string } } | undefined;
    getVariablesMap(): { toArray(): [string, string][] };
  };
}
const addService = grpc.Server.prototype.addService;
grpc.Server.prototype.addService = function (service: unknown, implementation: Record<string, unknown>) {
  const configure = implementation.configure;
  if (typeof configure === "function") {
    implementation.configure = (call: ConfigureCall, callback: unknown) => {
      const args = call.request.getArgs()?.toJavaScript() ?? {};
      const variables: Record<string, string> = Object.fromEntries(call.request.getVariablesMap().toArray());
      provider.configure({ region: args.region ?? variables["aws:region"] ?? variables["aws:config:region"] });
      configure.call(implementation, call, callback);
    };
  }
  return addService.call(this, service, implementation);
};

if (process.argv.includes("--version")) {
  process.stdout.write(`${AWS_PROVIDER_VERSION}\n`);
} else {
  pulumi.provider.main(provider, process.argv.slice(2));
}
