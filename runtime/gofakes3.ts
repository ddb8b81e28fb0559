// Finds gofakes3, the in-memory S3-compatible server that the tests of the S3 document store talk
// to, or builds it with Go into the cache outside the clone, as runtime/temporal-cli.ts does for the
// Temporal CLI. Order: GOFAKES3_PATH, `gofakes3` on PATH, the cached build, `go install`.
// Run directly, it prints the path.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { goBuild, onPath, type Progress } from './temporal-cli';

/** The one place its version is pinned. */
export const GOFAKES3_VERSION = '1.2.0';

const exe = process.platform === 'win32' ? 'gofakes3.exe' : 'gofakes3';

export function gofakes3CacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'mesa', `gofakes3-${GOFAKES3_VERSION}`);
}

/** gofakes3 has no --version: `-help` prints its flags (among them -backend) and exits 1. */
function runs(path: string): boolean {
  const help = spawnSync(path, ['-help'], { encoding: 'utf8', timeout: 30_000 });
  return !help.error && `${help.stderr}`.includes('-backend');
}

export async function resolveGofakes3(configured = process.env.GOFAKES3_PATH, progress: Progress = (l) => console.error(l)): Promise<string> {
  if (configured) {
    if (runs(configured)) return configured;
    throw new Error(`GOFAKES3_PATH apunta a «${configured}», que no es un gofakes3 ejecutable.`);
  }
  const found = onPath(exe);
  if (found && runs(found)) return found;
  const cached = join(gofakes3CacheDir(), exe);
  if (existsSync(cached) && runs(cached)) return cached;
  try {
    await goBuild({
      label: `gofakes3 ${GOFAKES3_VERSION}`, packages: [`github.com/johannesboyne/gofakes3/cmd/gofakes3@v${GOFAKES3_VERSION}`], into: gofakes3CacheDir(), progress,
      keep: async (bin) => { await rename(join(bin, exe), cached); },
    });
  } catch (e) {
    throw new Error(`No se encontró gofakes3 ${GOFAKES3_VERSION} y no se pudo compilar (${(e as Error).message}). Instale Go (https://go.dev/dl/) o defina GOFAKES3_PATH.`);
  }
  return cached;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  resolveGofakes3().then((path) => console.log(path), (e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
}
