// One running Mesa per data folder: a second one would open the same PGlite and Temporal files
// and corrupt them. The lock file holds the owner's PID; a lock left by a dead process is taken over.
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export class AlreadyRunningError extends Error {
  override name = 'AlreadyRunningError';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'mesa.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (pid && pid !== process.pid && alive(pid)) {
        throw new AlreadyRunningError(
          `Mesa ya está en ejecución con la carpeta de datos «${dataDir}» (proceso ${pid}). ` +
          'Deténgalo con Ctrl-C en su terminal, o use otra carpeta con MESA_DATA_DIR y otro puerto con PORT.',
        );
      }
      rmSync(path, { force: true }); // left by a process that no longer runs
    }
  }
  throw new AlreadyRunningError(`No se pudo tomar el bloqueo de «${dataDir}».`);
}
