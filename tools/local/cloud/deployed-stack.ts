// What the offline real engine deployed, read from Pulumi's own checkpoint (the local backend's stack file):
// `<state>/.pulumi/stacks/<project>/<stack>.json` (the checkout's state folder, engine/paths.ts), resources under `checkpoint.latest.resources[]`.
// `serve` serves this (the role policy and definition as recorded) when it exists, otherwise what synth produces.

import { isSecret } from "../../engine/aws/values";
import { CheckpointError, readCheckpointResources } from "../../engine/deployed-state";
import { recordedState } from "../../shared/recorded-resources";
import { localBackendDir, stackStatePath } from "../../engine/paths";
import type { SynthesizedStack } from "../clients/local-stack";

export { CheckpointError };

const STACK_RESOURCE_TYPE = "pulumi:pulumi:Stack";

export function checkpointPath(projectDir: string, project: string, stack: string): string {
  return stackStatePath(stack, localBackendDir(projectDir), project);
}

/**
 * The deployed stack as a synth-shaped result (type, name, inputs; outputs of the stack resource), or undefined when
 * nothing is deployed (no file, or a checkpoint without resources: never deployed or destroyed).
 * A resource's recorded outputs win over its inputs (recordedState): they are what the provider reported after the deploy.
 */
export function readDeployedStack(file: string, config: Record<string, string>): SynthesizedStack | undefined {
  const resources = readCheckpointResources(file);
  if (resources === undefined || resources.length === 0) return undefined;
  const stackResource = resources.find((resource) => resource.type === STACK_RESOURCE_TYPE);
  return {
    config,
    resources: resources
      .filter((resource) => resource.type !== STACK_RESOURCE_TYPE)
      .map((resource) => ({ type: resource.type, name: resource.name, inputs: plain(recordedState(resource)) })),
    outputs: plain(stackResource?.outputs),
  };
}

// Secret values are ciphertext in a checkpoint; leave them out rather than pass ciphertext on as a value.
function plain(values: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values ?? {}).filter(([, value]) => !isSecret(value)));
}
