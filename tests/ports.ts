import { createServer } from 'node:net';

const free = (port: number) => new Promise<boolean>((resolve) => {
  const s = createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
});

/**
 * A base port, picked at random in [from, to), such that base + each offset is free now. Callers
 * pick below 32768, where Linux never hands out ephemeral ports, so that a port found free is not
 * taken by another test's outgoing connection before the process under test binds it.
 */
export async function freeBase(offsets: number[], from: number, to: number): Promise<number> {
  for (;;) {
    const base = from + Math.floor(Math.random() * (to - from));
    const results = await Promise.all(offsets.map((o) => free(base + o)));
    if (results.every(Boolean)) return base;
  }
}
