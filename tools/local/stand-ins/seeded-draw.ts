// Seeded draws that do not depend on the order concurrent calls arrive in: each draw is a hash of its key.

import * as crypto from "node:crypto";

/** A number in [0, 1) determined by the key alone. */
function uniformDraw(key: string): number {
  return crypto.createHash("sha256").update(key).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Keys for calls that may carry identical bytes: the seed, the bytes' digest and how many times those bytes were
 * seen before. The same batch of requests then gets the same draws on every run, however its calls interleave.
 */
export function repeatKeyedDraws(seed: number | string, purpose = ""): (bytes: Buffer | string) => number {
  const prefix = purpose ? `${seed}:${purpose}` : `${seed}`;
  const timesSeen = new Map<string, number>();
  return (bytes) => {
    const digest = crypto.createHash("sha256").update(bytes).digest("hex");
    const repeat = timesSeen.get(digest) ?? 0;
    timesSeen.set(digest, repeat + 1);
    return uniformDraw(`${prefix}:${digest}:${repeat}`);
  };
}
