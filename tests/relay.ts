// A TCP relay between a client under test and a real service on loopback, for faults the service
// itself cannot be asked for: the whole link cut and restored (tests/temporal-outage.test.ts), or
// one message held back while something else happens (tests/faults.test.ts).
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * Relays a local port to `target` (host:port); `cut()` drops every connection and refuses new
 * ones until `restore()`. `hold`, when it returns true for a chunk the client sent, keeps that
 * chunk from the service.
 */
export async function relay(target: string, hold: (fromClient: Buffer) => boolean = () => false) {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let listenPort = 0;
  const open = () => new Promise<void>((resolve) => {
    server = createServer((client) => {
      const upstream = connect(port, host);
      sockets.add(client).add(upstream);
      client.on('data', (chunk) => {
        if (!hold(chunk)) upstream.write(chunk);
      });
      upstream.pipe(client);
      const drop = () => { client.destroy(); upstream.destroy(); };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    server.listen(listenPort, '127.0.0.1', () => {
      listenPort = (server!.address() as AddressInfo).port;
      resolve();
    });
  });
  await open();
  return {
    address: `127.0.0.1:${listenPort}`,
    cut: async () => {
      const s = server!;
      server = null;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    restore: open,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}
