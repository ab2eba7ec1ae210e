// Where a definition's optimized invokeModel tasks read (Input.S3Uri) and write (Output.S3Uri) payloads, as far as the
// definition says it statically: a literal object URI, or the fixed start of a computed one. Read from the analysis's
// own reading of each Task's arguments (task-arguments.ts), so a checker that has to judge a computed URI (the policy
// pack's stack view) needs no walk of its own.
import type { ArgumentReading, FieldReading } from "./task-arguments";

export interface S3Location {
  bucket: string;
  /** The object key, or the fixed start of keys computed at run time. */
  key: string;
  /** True when `key` is the whole key; false when it is only the fixed prefix of computed keys. */
  exact: boolean;
}

export interface PayloadLocations {
  input: S3Location[];
  output: S3Location[];
  /** s3:// literals elsewhere in the definition (e.g. the prefix a Choice state checks an input URI against). */
  elsewhere: S3Location[];
}

// A bucket name, then key characters up to anything that starts an expression or ends a literal.
const S3_LITERAL = /s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/([^"'\s{}&$,()\\*]*)/g;

/**
 * The payload locations of the invokeModel tasks whose arguments are `readings`, and the s3:// literals anywhere
 * else in `definition` (its whole text).
 */
export function payloadLocationsOf(readings: ArgumentReading[], definition: unknown): PayloadLocations {
  const input = readings.flatMap((r) => locationsOf(r, "Input"));
  const output = readings.flatMap((r) => locationsOf(r, "Output"));
  const inTasks = new Set([...input, ...output].map(place));
  const elsewhere = literalsIn(JSON.stringify(definition) ?? "").filter((l) => !inTasks.has(place(l)));
  return { input: unique(input), output: unique(output), elsewhere: unique(elsewhere) };
}

/** `Input` or `Output`: a literal S3Uri is the object itself; any other fixed text gives the prefixes it names. */
function locationsOf(reading: ArgumentReading, field: "Input" | "Output"): S3Location[] {
  const found: S3Location[] = [];
  for (const [path, value] of [
    [field, reading.field(field)],
    [`${field}.S3Uri`, reading.field(`${field}.S3Uri`)],
  ] as const) {
    if (!value) continue;
    for (const text of texts(value)) {
      const exact = path.endsWith(".S3Uri") && !value.fragments?.includes(text) ? /^s3:\/\/([^/]+)\/(.+)$/.exec(text) : null;
      if (exact) found.push({ bucket: exact[1], key: exact[2], exact: true });
      else if (!path.endsWith(".S3Uri") || value.fragments?.includes(text)) found.push(...literalsIn(text));
    }
  }
  return found;
}

/** The strings a field is written with or computed from. */
function texts(value: FieldReading): string[] {
  return [...value.literals.filter((l): l is string => typeof l === "string"), ...(value.fragments ?? [])];
}

/** The s3:// literals in a text, as key prefixes (a text is rarely a complete URI on its own). */
function literalsIn(text: string): S3Location[] {
  return [...text.matchAll(S3_LITERAL)].map((m) => ({ bucket: m[1], key: m[2], exact: false }));
}

const place = (l: S3Location) => `${l.bucket}/${l.key}`;

function unique(locations: S3Location[]): S3Location[] {
  return [...new Map(locations.map((l) => [`${place(l)}/${l.exact}`, l])).values()];
}

/** The ARN an authorisation for this location uses; `*` stands for "every key under the prefix". */
export function objectArn(location: S3Location, partition = "aws"): string {
  return `arn:${partition}:s3:::${location.bucket}/${location.key}${location.exact ? "" : "*"}`;
}
