// provider/schema.ts (what the Pulumi package's schema is inferred from) is derived from the components' args
// interfaces and classes: it must be current, and keep every argument and its doc.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROVIDER_SCHEMA_FILE, providerSchemaSource } from "../../../tools/cli/provider-schema";

const ROOT = path.resolve(__dirname, "..", "..", "..");

describe("the Pulumi package's schema source (provider/schema.ts)", () => {
  const source = providerSchemaSource();

  it("is what `npm run build` last wrote: rebuild after changing a component's args", () => {
    assert.equal(fs.readFileSync(PROVIDER_SCHEMA_FILE, "utf8"), source);
  });

  it("declares every argument of each component with its doc, and the string outputs", () => {
    const library = fs.readFileSync(path.join(ROOT, "components", "bedrock-state-machine.ts"), "utf8");
    const args = /export interface BedrockStateMachineArgs \{([\s\S]*?)\n\}/.exec(library)![1];
    const names = [...args.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]);
    assert.ok(names.length >= 20, `found ${names.length} arguments`);
    const facade = /export interface BedrockStateMachineArgs \{([\s\S]*?)\n\}/.exec(source)![1];
    assert.deepEqual(
      [...facade.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]),
      names,
    );
    // Docs are carried as written (the analyzer turns them into the schema's descriptions).
    assert.ok(facade.includes("Sampling temperature (0 to 1) when an execution passes a prompt."));
    // Choices are strings (the component checks them); a definition or an extra policy is JSON text.
    assert.match(facade, /workflowType\?: string;/);
    assert.match(facade, /definition\?: string;/);
    assert.match(facade, /extraPolicies\?: string\[\];/);
    for (const output of ["stateMachineArn", "roleArn", "payloadBucketName"]) assert.match(source, new RegExp(`readonly ${output}: pulumi\\.Output<string>;`));
    // Resource-typed members stay TypeScript-only: a YAML or Go consumer would need the aws package's schema and SDK.
    assert.doesNotMatch(source, /: aws\./);
  });
});
