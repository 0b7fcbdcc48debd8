import { createServer } from 'node:net';

/** Ports this process handed out already: never handed out twice (the OS may offer one again once closed). */
const handedOut = new Set<number>();

/** A TCP port nobody is listening on right now (the OS picks it), not handed out before by this process. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await anyFreePort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
