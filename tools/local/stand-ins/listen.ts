// Starts a local server on 127.0.0.1 (never any other address); a port already taken is the user's to change.
import type * as http from "node:http";
import { BedrockSfnError } from "../../../src/core/errors";

/** A fixed port that is in use: the user's to change, so the CLIs print it in one line and exit 2. */
export class PortInUseError extends BedrockSfnError {
  constructor(readonly port: number) {
    super("usage", `port ${port} on 127.0.0.1 is in use; choose another with --port`);
  }
}

export function listenLocally(server: http.Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => reject(error.code === "EADDRINUSE" ? new PortInUseError(port) : error));
    server.listen(port, "127.0.0.1", () => resolve());
  });
}
