// Config keys nobody reads: a misspelt project key, or an `aws:` key the AWS provider does not take
// (`aws:regoin`), would be ignored silently. The offline tools and the program refuse them alike.
import { didYouMean } from "../src/bedrock/model-facts";
import { clip } from "../src/bedrock/text";
import { AWS_PROVIDER_KEYS } from "./aws-provider-keys";
import { CONFIG_KEYS, PROJECT } from "./settings";

/** One line per unknown key (with a suggestion) and a line of valid keys; undefined when every key is known. */
export function unknownConfigKeys(keys: readonly string[], where: string): string | undefined {
  const known = new Set(Object.values(CONFIG_KEYS));
  const unknown = keys.filter((k) => (k.startsWith(`${PROJECT}:`) && !known.has(k)) || (k.startsWith("aws:") && !AWS_PROVIDER_KEYS.has(k.slice(4))));
  if (unknown.length === 0) return undefined;
  const lines = unknown.map((k) => {
    const pool = k.startsWith("aws:") ? [...AWS_PROVIDER_KEYS].map((n) => `aws:${n}`) : [...known];
    const near = didYouMean(k, pool);
    return `unknown config key '${clip(k, 60)}' (${where})${near ? `; did you mean '${near}'?` : ""}`;
  });
  const projectKeys = [...known].filter((k) => k.startsWith(`${PROJECT}:`)).map((k) => k.slice(PROJECT.length + 1));
  return `${lines.join("\n")}\nvalid keys: ${PROJECT}:{${projectKeys.join(",")}}, and the AWS provider's aws:* keys`;
}
