import * as assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { listenLocally, PortInUseError } from "../../../tools/local/stand-ins/listen";
import { isBedrockSfnError } from "../../../src/core/errors";

describe("local servers: listenLocally", () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it("listens on 127.0.0.1 only", async () => {
    const server = http.createServer();
    servers.push(server);
    await listenLocally(server, 0);
    assert.equal((server.address() as AddressInfo).address, "127.0.0.1");
  });

  it("a port already taken is a usage error naming the port and the option that changes it", async () => {
    const first = http.createServer();
    servers.push(first);
    await listenLocally(first, 0);
    const { port } = first.address() as AddressInfo;
    const second = http.createServer();
    const error = await listenLocally(second, port).then(
      () => assert.fail("the second server should not listen"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof PortInUseError);
    assert.ok(isBedrockSfnError(error), "the CLIs exit 2 for it, with no stack trace");
    assert.equal(error.kind, "usage");
    assert.equal(error.message, `port ${port} on 127.0.0.1 is in use; choose another with --port`);
  });
});
