// Starts a long-running piece and stops it cleanly on SIGINT/SIGTERM; a failed start prints one
// sentence (never a stack trace for a configuration mistake) and exits with 1.
import { ConfigError } from './config';

export async function runUntilSignal(name: string, start: () => Promise<() => Promise<void>>): Promise<void> {
  let stop: () => Promise<void>;
  try {
    stop = await start();
  } catch (e) {
    console.error(`No se pudo iniciar ${name}: ${e instanceof ConfigError ? e.message : (e as Error).stack}`);
    process.exit(1);
  }
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      stop().then(() => process.exit(0), (e: Error) => {
        console.error(e);
        process.exit(1);
      });
    });
  }
}
