// The S3 front door through the real S3 client: the execution role's requests are decided against its policies and
// refused with S3's AccessDenied; everyone else's go through to s3rver unchanged.
import * as assert from "node:assert/strict";
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { executionRole } from "../../../tools/local/cloud/execution-role";
import { s3Request, startS3FrontDoor, type S3FrontDoor } from "../../../tools/local/cloud/s3-front-door";
import { startS3StandIn, type S3StandIn } from "../../../tools/local/stand-ins/s3-stand-in";

const BUCKET = "payloads";
const ROLE = executionRole("arn:aws:iam::123456789012:role/exec", [
  {
    source: "role",
    policy: {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/input/*` },
        { Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::${BUCKET}/output/*` },
      ],
    },
  },
]);

describe("local S3 front door", () => {
  let s3: S3StandIn;
  let door: S3FrontDoor;
  let role: S3Client;
  let user: S3Client;
  before(async () => {
    s3 = await startS3StandIn({ buckets: [BUCKET] });
    door = await startS3FrontDoor({ upstream: s3.endpoint, role: ROLE, partition: "aws", region: "us-east-1" });
    role = door.createRoleClient();
    // Any credentials: the user is not the role, and s3rver sees no signature.
    user = new S3Client({ region: "us-east-1", endpoint: door.endpoint, credentials: { accessKeyId: "AKIAUSER", secretAccessKey: "x" } });
  });
  after(async () => {
    role.destroy();
    user.destroy();
    await door.close();
    await s3.close();
  });

  it("lets the user do anything and the role only what its policy allows", async () => {
    await user.send(new PutObjectCommand({ Bucket: BUCKET, Key: "input/a.json", Body: '{"a":1}' }));
    const read = await role.send(new GetObjectCommand({ Bucket: BUCKET, Key: "input/a.json" }));
    assert.equal(await read.Body!.transformToString(), '{"a":1}');
    await role.send(new PutObjectCommand({ Bucket: BUCKET, Key: "output/b.json", Body: "{}" }));
    assert.equal((await user.send(new ListObjectsV2Command({ Bucket: BUCKET }))).KeyCount, 2);

    for (const [command, action, key] of [
      [new GetObjectCommand({ Bucket: BUCKET, Key: "output/b.json" }), "s3:GetObject", "output/b.json"],
      [new PutObjectCommand({ Bucket: BUCKET, Key: "input/evil.json", Body: "{}" }), "s3:PutObject", "input/evil.json"],
      [new DeleteObjectCommand({ Bucket: BUCKET, Key: "input/a.json" }), "s3:DeleteObject", "input/a.json"],
    ] as const) {
      await assert.rejects(role.send(command as never), (error: Error & { $metadata: { httpStatusCode: number } }) => {
        assert.equal(error.name, "AccessDenied");
        assert.equal(error.$metadata.httpStatusCode, 403);
        assert.equal(
          error.message,
          `User: arn:aws:sts::123456789012:assumed-role/exec/local-step-functions is not authorized to perform: ${action} on resource: arn:aws:s3:::${BUCKET}/${key} because no identity-based policy allows the ${action} action`,
        );
        return true;
      });
    }
    assert.equal((await user.send(new ListObjectsV2Command({ Bucket: BUCKET }))).KeyCount, 2, "nothing refused reached s3rver");
    assert.deepEqual(
      door.decisions.map((d) => d.allowed),
      [true, true, false, false, false],
    );
  });

  it("maps path-style requests to the IAM action and resource S3 authorises", () => {
    const at = (method: string, url: string) => s3Request(method, new URL(url, "http://x"), { partition: "aws-cn", region: "cn-north-1" });
    assert.deepEqual(at("HEAD", "/b/k%20y/z.json"), { action: "s3:GetObject", resource: "arn:aws-cn:s3:::b/k y/z.json", context: { "aws:RequestedRegion": "cn-north-1" } });
    assert.equal(at("GET", "/b?list-type=2").action, "s3:ListBucket");
    assert.equal(at("POST", "/b/k?uploads").action, "s3:PutObject");
    assert.equal(at("DELETE", "/b/k?uploadId=1").action, "s3:AbortMultipartUpload");
    assert.deepEqual([at("GET", "/").action, at("GET", "/").resource], ["s3:ListAllMyBuckets", "*"]);
  });
});
