// The in-repo pack (policy-pack/, bundled by the mocha fixture test/support/build-pack.ts) over the Analyzer protocol.
import { PACK_DIR } from "../../tools/shared/grpc-client";
import { packOverGrpcSuite } from "./grpc-suite";

describe("policy pack over gRPC, as the Pulumi CLI runs it", function () {
  this.timeout(60_000);
  packOverGrpcSuite(() => PACK_DIR);
});
