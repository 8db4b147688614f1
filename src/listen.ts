/**
 * Listening on host:port, with the operating system's refusal as a ListenError (EADDRINUSE, ENOTFOUND, EACCES, …)
 * that start-up turns into a configuration error naming the variable; and the same question asked ahead of time.
 */
import http from 'node:http';

/** The server could not listen on host:port; `code` is the operating system's (EADDRINUSE, ENOTFOUND, EACCES, …). */
export class ListenError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

/**
 * Listens on host:port and closes again at once: start-up asks this before it writes anything (migrations, demo
 * data), so a port in use or a host that is not this machine's fails in a second, not after the demo is seeded.
 * The real listen reports them too, should another process take the port in between.
 */
export async function probeListen(host: string, port: number): Promise<void> {
  const probe = http.createServer();
  await listen(probe, host, port);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

export function listen(httpServer: http.Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void => reject(new ListenError(host, port, error.code, error.message));
    httpServer.once('error', failed);
    httpServer.listen(port, host, () => {
      httpServer.off('error', failed);
      resolve();
    });
  });
}
