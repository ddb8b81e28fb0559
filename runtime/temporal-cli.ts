// Finds the Temporal CLI (which carries the dev server), or installs it, so that a fresh machine
// needs no manual step. Order: the configured path (TEMPORAL_CLI_PATH, read by runtime/config.ts),
// `temporal` on PATH, a cached build, a build with `go install` into the cache, the official
// download. Run directly, it prints the path.
import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from './config';

/** The one place the CLI version is pinned: 1.5.1 is the newest that `go install` accepts. */
export const TEMPORAL_CLI_VERSION = '1.5.1';

const exe = process.platform === 'win32' ? 'temporal.exe' : 'temporal';

export function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'mesa', `temporal-${TEMPORAL_CLI_VERSION}`);
}

/** Where `name` is on PATH, if it is. */
export function onPath(name = exe): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

export function runs(path: string): boolean {
  return spawnSync(path, ['--version'], { stdio: 'ignore', timeout: 30_000 }).status === 0;
}

export type Progress = (line: string) => void;

export async function resolveTemporalCli(configured: string | undefined, progress: Progress = (l) => console.error(l)): Promise<string> {
  if (configured) {
    if (runs(configured)) return configured;
    throw new Error(`TEMPORAL_CLI_PATH apunta a «${configured}», que no es un Temporal CLI ejecutable.`);
  }
  const found = onPath();
  if (found && runs(found)) return found;
  const cached = join(cacheDir(), exe);
  if (existsSync(cached) && runs(cached)) return cached;

  await mkdir(cacheDir(), { recursive: true });
  const failures: string[] = [];
  try {
    await goInstall(cached, progress);
    return cached;
  } catch (e) {
    failures.push(`go install: ${(e as Error).message}`);
  }
  try {
    await download(cached, progress);
    return cached;
  } catch (e) {
    failures.push(`descarga oficial: ${(e as Error).message}`);
  }
  throw new Error(
    `No se encontró Temporal CLI ${TEMPORAL_CLI_VERSION} y no se pudo instalar (${failures.join('; ')}).\n` +
    'Instale Go (https://go.dev/dl/) y vuelva a intentarlo, o descargue Temporal CLI ' +
    `${TEMPORAL_CLI_VERSION} de https://github.com/temporalio/cli/releases y defina TEMPORAL_CLI_PATH con su ruta.`,
  );
}

/** Builds the CLI with Go into a temporary folder, then moves it into the cache whole. */
async function goInstall(target: string, progress: Progress): Promise<void> {
  await goBuild({
    label: `Temporal CLI ${TEMPORAL_CLI_VERSION}`, packages: [`github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`], into: cacheDir(), progress,
    keep: async (bin) => { await rename(join(bin, exe), target); },
  });
}

/**
 * `go install` of `packages` into a temporary folder beside `into` (so that `keep` moves the
 * results into the cache with a rename on the same file system), with progress every 15 s.
 */
export async function goBuild(o: { label: string; packages: string[]; into: string; progress: Progress; keep: (bin: string) => Promise<void> }): Promise<void> {
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) throw new Error('Go no está instalado');
  await mkdir(o.into, { recursive: true });
  const bin = await mkdtemp(join(o.into, 'build-'));
  const started = Date.now();
  o.progress(`Compilando ${o.label} con Go: solo la primera vez, tarda unos minutos…`);
  let packages = 0;
  let lastError = '';
  const ticker = setInterval(() => {
    const s = Math.round((Date.now() - started) / 1000);
    o.progress(`  … ${Math.floor(s / 60)} min ${s % 60} s, ${packages} paquetes compilados`);
  }, 15_000);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('go', ['install', '-v', ...o.packages], {
        env: { ...process.env, GOBIN: bin, CGO_ENABLED: '0' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) {
          if (!line.trim()) continue;
          if (line.startsWith('go: downloading')) continue;
          packages += 1;
          lastError = line;
        }
      });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install terminó con código ${code}: ${lastError}`))));
    });
    await o.keep(bin);
    o.progress(`${o.label} listo en ${o.into} (${Math.round((Date.now() - started) / 1000)} s).`);
  } finally {
    clearInterval(ticker);
    await rm(bin, { recursive: true, force: true });
  }
}

/** The official release archive, for machines with internet and no Go. */
async function download(target: string, progress: Progress): Promise<void> {
  const platform = { linux: 'linux', darwin: 'darwin', win32: 'windows' }[process.platform as string];
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch as string];
  if (!platform || !arch) throw new Error(`plataforma ${process.platform}/${process.arch} sin descarga oficial`);
  const url = `https://temporal.download/cli/archive/v${TEMPORAL_CLI_VERSION}?platform=${platform}&arch=${arch}`;
  progress(`Descargando Temporal CLI ${TEMPORAL_CLI_VERSION}…`);
  const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const dir = await mkdtemp(join(cacheDir(), 'download-'));
  try {
    const archive = join(dir, platform === 'windows' ? 'cli.zip' : 'cli.tar.gz');
    await writeFile(archive, Buffer.from(await response.arrayBuffer()));
    const untar = spawnSync('tar', ['-xf', archive, '-C', dir], { stdio: 'ignore' });
    if (untar.status !== 0) throw new Error('no se pudo descomprimir el archivo descargado');
    await chmod(join(dir, exe), 0o755);
    await rename(join(dir, exe), target);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  resolveTemporalCli(loadConfig('embedded').temporal.cliPath).then((path) => console.log(path), (e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
}
