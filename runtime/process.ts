// Starts a long-running piece and stops it cleanly on SIGINT/SIGTERM; a failed start prints one
// sentence (never a stack trace for a configuration mistake) and exits with 1.
import { ConfigError } from './config';

/**
 * gRPC's answer to a call still in flight on a connection that is being closed. Once stopping has
 * begun it is expected (the piece that made the call is being stopped too), not a failure.
 */
export const isShutdownNoise = (e: unknown) => /Channel has been shut down/i.test(String((e as Error)?.message ?? e));

/**
 * While stopping, a late gRPC rejection ("Channel has been shut down") must not end the process
 * with an uncaught error instead of its goodbye; anything else still surfaces.
 */
export function ignoreShutdownNoise(isStopping: () => boolean): void {
  const handle = (e: unknown) => {
    if (isStopping() && isShutdownNoise(e)) return;
    console.error(e);
    process.exit(1);
  };
  process.on('unhandledRejection', handle);
  process.on('uncaughtException', handle);
}

/** Runs the stop steps one after another, in the order given; a step that fails is reported and the rest still run. */
export async function stopInOrder(steps: Array<(() => Promise<unknown> | unknown) | null>): Promise<boolean> {
  let clean = true;
  for (const step of steps) {
    if (!step) continue;
    try {
      await step();
    } catch (e) {
      if (isShutdownNoise(e)) continue;
      clean = false;
      console.error(e);
    }
  }
  return clean;
}

export async function runUntilSignal(name: string, start: () => Promise<() => Promise<void>>): Promise<void> {
  let stop: () => Promise<void>;
  try {
    stop = await start();
  } catch (e) {
    console.error(`No se pudo iniciar ${name}: ${e instanceof ConfigError ? e.message : (e as Error).stack}`);
    process.exit(1);
  }
  let stopping = false;
  ignoreShutdownNoise(() => stopping);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      stop().then(() => process.exit(0), (e: Error) => {
        if (isShutdownNoise(e)) process.exit(0);
        console.error(e);
        process.exit(1);
      });
    });
  }
}
