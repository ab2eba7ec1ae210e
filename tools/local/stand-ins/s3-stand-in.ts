// Local S3 for the payload bucket: s3rver on 127.0.0.1, reached through the real S3 client (path-style, s3rver's fixed keys).

import type { AddressInfo } from "node:net";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import S3rver = require("s3rver");
import { makeTempDir, removeTempDir } from "./temp-dir";

/** s3rver accepts only these credentials when it checks signatures. */
const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export interface S3StandIn {
  endpoint: string;
  /** Buckets created at start. */
  buckets: string[];
  /** A client for this server; each call returns a new one (the caller may destroy it). */
  createClient(): S3Client;
  /** Stops the server and removes its data directory. */
  close(): Promise<void>;
}

export interface S3StandInOptions {
  buckets: string[];
  region?: string;
}

export async function startS3StandIn(options: S3StandInOptions): Promise<S3StandIn> {
  const directory = makeTempDir("bedrock-sfn-s3-");
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory });
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (error) {
    removeTempDir(directory);
    throw error;
  }
  const endpoint = `http://127.0.0.1:${address.port}`;
  // WHEN_REQUIRED: a streamed upload goes as a plain body; s3rver would store an aws-chunked one (checksum trailer) as it is.
  const createClient = () =>
    new S3Client({ region: options.region ?? "us-east-1", endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS, requestChecksumCalculation: "WHEN_REQUIRED" });

  const close = async () => {
    try {
      await server.close();
    } finally {
      removeTempDir(directory);
    }
  };

  const setupClient = createClient();
  try {
    for (const bucket of options.buckets) await setupClient.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    await close();
    throw error;
  } finally {
    setupClient.destroy();
  }
  return { endpoint, buckets: [...options.buckets], createClient, close };
}
