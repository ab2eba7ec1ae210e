// Facts about foundation models that config checks need: the bundled list of known model IDs (for
// "did you mean"), and each model's documented output-token ceiling. Both files carry their provenance in _meta.
import limitsJson from "./model-limits.json";
import modelsJson from "./foundation-models.json";
import { activeCatalog } from "./catalog";
import { catalogProfileIds } from "./routing";

interface Limit {
  prefix: string;
  maxTokens: number;
  page: string;
}

const limits = (limitsJson as unknown as { limits: Limit[] }).limits;
const models = (modelsJson as unknown as { models: string[] }).models;
const knownModels = new Set(models);

export function isKnownFoundationModel(id: string): boolean {
  // The catalog's lifecycle entries (bundled, or from a catalog file) name models newer than the bundled list.
  return knownModels.has(id) || Object.hasOwn(activeCatalog().models ?? {}, id);
}

/** The most output tokens the model takes per request, with the AWS page that says so; undefined when not documented here. */
export function maxTokensCeiling(foundationModelId: string): { maxTokens: number; page: string } | undefined {
  const limit = limits.find((l) => foundationModelId.startsWith(l.prefix));
  return limit && { maxTokens: limit.maxTokens, page: limit.page };
}

/**
 * The known model or profile ID closest to a misspelt one (edit distance at most a quarter of its length, and
 * at most 6), or undefined. Profiles are suggested from the catalog, foundation models from the bundled list.
 */
export function didYouMean(id: string, candidates: readonly string[] = [...catalogProfileIds(), ...models]): string | undefined {
  const budget = Math.min(6, Math.floor(id.length / 4));
  let best: string | undefined;
  let bestDistance = budget + 1;
  for (const candidate of candidates) {
    if (candidate === id || Math.abs(candidate.length - id.length) >= bestDistance) continue;
    const d = editDistance(id, candidate, bestDistance);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

// Levenshtein distance with an early exit once every cell of a row exceeds `limit` (keeps 200 candidates cheap).
function editDistance(a: string, b: string, limit: number): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length];
}
