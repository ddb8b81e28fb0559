// runtime/launch.mjs, the way every long-lived Mesa process starts: the bundle it writes runs from
// any folder (systemd's cache folder is outside the project), and what goes wrong is said in a
// sentence, not a stack trace.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';

const folders: string[] = [];
afterAll(async () => { await Promise.all(folders.map((f) => rm(f, { recursive: true, force: true }))); });

function launch(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEST_DATABASE_URL', 'NODE_OPTIONS']) if (!(k in env)) delete base[k];
  return new Promise((resolve) => {
    execFile(process.execPath, ['runtime/launch.mjs', ...args], { env: base, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe('runtime/launch.mjs', () => {
  it('runs an entry bundled into a folder outside the project, with its packages and its own files', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'mesa-launch-'));
    folders.push(cache);
    // `npm run api` without DATABASE_URL: the entry ran far enough to read its configuration (its
    // packages imported from /tmp), and stopped with the sentence naming the setting.
    const api = await launch(['runtime/api-main.ts'], { CACHE_DIRECTORY: cache, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(api.code).not.toBe(0);
    expect(api.stderr).toContain('«DATABASE_URL»');
    expect(api.stderr).not.toMatch(/\n\s+at /);
    expect((await readdir(cache)).sort()).toEqual(['api-main.mjs', 'api-main.mjs.map']);

    // An entry that runs only when it is the one started (`import.meta.url` against argv[1]):
    // the Temporal CLI's, which prints where the CLI is.
    const cli = await launch(['runtime/temporal-cli.ts'], { CACHE_DIRECTORY: cache, TEMPORAL_CLI_PATH: inject('temporalCliPath') });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout.trim()).toBe(inject('temporalCliPath'));
  });

  it('refuses what is not one of the project\'s TypeScript entries, and names a file that does not build', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'mesa-launch-'));
    folders.push(cache);
    const outside = await launch(['/etc/passwd'], { CACHE_DIRECTORY: cache });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('Uso: node runtime/launch.mjs runtime/<entrada>.ts');

    const missing = await launch(['runtime/no-existe.ts'], { CACHE_DIRECTORY: cache });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No existe el archivo runtime/no-existe.ts.');

    // A module of the project with a syntax error: its file and line, and nothing written.
    await mkdir('test-results', { recursive: true });
    const project = await mkdtemp(join('test-results', 'launch-'));
    folders.push(project);
    const broken = join(project, 'roto.ts');
    await writeFile(broken, 'export const x = ;\n');
    const failed = await launch([broken], { CACHE_DIRECTORY: cache });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/No se pudo preparar test-results\/launch-\w+\/roto\.ts .*\n  test-results\/launch-\w+\/roto\.ts:1: /);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    expect(await readdir(cache)).toEqual([]);
  });
});
