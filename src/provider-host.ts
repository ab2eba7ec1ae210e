// The Pulumi package's provider host: what PulumiPlugin.yaml's runtime (nodejs) starts, through package.json's
// `main`, when a YAML, Go, Python, .NET or Java program uses bedrock-sfn:index:BedrockStateMachine (or
// PayloadBucket, ApiFrontDoor). It serves the components with @pulumi/pulumi's componentProviderHost, whose schema
// is inferred from provider/schema.ts (derived from the components' args: tools/cli/provider-schema.ts).
// Importing the library by name (`bedrock-sfn`) never reaches this file: package.json `exports` points there.
import * as fs from "node:fs";
import * as path from "node:path";
import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";
import { ApiFrontDoor, BedrockStateMachine, PayloadBucket, isBedrockSfnError } from "./index";

/** The package root (this file runs from src/ in the sources and from lib/src/ when built). */
function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "PulumiPlugin.yaml"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`bedrock-sfn provider: no PulumiPlugin.yaml above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/**
 * A component as the provider constructs it: an argument error (a BedrockSfnError) reaches the engine as its own
 * one-line message, without the stack Node would print for an error thrown across the gRPC boundary.
 */
function served<T extends new (name: string, args: never, opts?: never) => unknown>(component: T): T {
  const wrapped = {
    [component.name]: class extends (component as unknown as new (...a: unknown[]) => object) {
      constructor(...a: unknown[]) {
        try {
          super(...a);
        } catch (error) {
          if (isBedrockSfnError(error)) {
            const oneLine = new Error(error.message);
            oneLine.stack = error.message;
            throw oneLine;
          }
          throw error;
        }
      }
    },
  }[component.name];
  return wrapped as unknown as T;
}

const root = packageRoot();
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };

componentProviderHost({
  name: "bedrock-sfn",
  version: manifest.version,
  dirname: path.join(root, "provider"),
  components: [served(BedrockStateMachine), served(PayloadBucket), served(ApiFrontDoor)],
} as Parameters<typeof componentProviderHost>[0]);
