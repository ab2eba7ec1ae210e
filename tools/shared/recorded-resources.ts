// The one shape of a recorded resource, whichever offline tool recorded it (the mock engine, the real engine's
// checkpoint), and the state a provider reports for it: what the pack's evaluation, the local cloud and the CLIs read.

/**
 * A resource as the offline tools record it: the mock engine's registrations (synth, tools/cli/lib/synth.ts) and the
 * real engine's checkpoint (tools/engine/deployed-state.ts). evaluateResources (evaluate-pack.ts) judges a list of them.
 */
export interface RecordedResource {
  type: string;
  /** The logical name (the URN's last segment). */
  name: string;
  /** Its URN: the type chain shows where it sits in the component tree. */
  urn?: string;
  /** The ID the provider answered (undefined for components, and for a first preview). */
  id?: string;
  inputs: Record<string, unknown>;
  /** What the provider reported: the inputs plus what AWS computes (ARNs, names). */
  outputs?: Record<string, unknown>;
}

/** The resource's state as a provider reports it, and as the engine's stack analysis sees it: inputs, outputs over them, and the id. */
export function recordedState(resource: Partial<Pick<RecordedResource, "inputs" | "outputs" | "id">>): Record<string, unknown> {
  return { ...(resource.inputs ?? {}), ...(resource.outputs ?? {}), ...(resource.id !== undefined ? { id: resource.id } : {}) };
}
