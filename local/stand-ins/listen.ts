// Starts a local server on 127.0.0.1 (never any other address); a port already taken is the user's to change.
import type * as http from "node:http";

/** A fixed port that is in use; named as a usage error so the CLIs print it in one line and exit 2. */
export class PortInUseError extends Error {
  override name = "UsageError";
}

export function listenLocally(server: http.Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new PortInUseError(`port ${port} on 127.0.0.1 is in use; choose another with --port`) : error),
    );
    server.listen(port, "127.0.0.1", () => resolve());
  });
}
