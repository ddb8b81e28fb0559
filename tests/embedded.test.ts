// The README's way to run Mesa, `npm start`, as a newcomer would use it: real child processes,
// a real data folder, Ctrl-C, and a second start.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freeBase } from './ports';
import { proposalWorkflowId, stateQuery } from '../workflows/messages';
import { launchBody } from './harness';

interface Started { child: ChildProcess; url: string; temporalAddress: string; output: () => string; exited: Promise<number | null> }

const running = new Set<ChildProcess>();
afterAll(() => { for (const c of running) c.kill('SIGKILL'); });

function run(dataDir: string, port: number): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), MESA_DATA_DIR: dataDir, TEMPORAL_CLI_PATH: inject('temporalCliPath'), MESA_DEMO_PASSWORD: 'demo-de-prueba' };
  for (const k of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEST_DATABASE_URL']) delete env[k];
  const child = spawn(process.execPath, ['runtime/launch.mjs', 'runtime/embedded.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => { out += c; });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => { out += c; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { running.delete(child); resolve(code); }));
  return { child, output: () => out, exited };
}

/**
 * The API's port: free now, and below the ephemeral range (tests/ports.ts), so that another
 * test's outgoing connection does not take it before the engine binds it.
 */
const apiPort = () => freeBase([0], 31_000, 32_500);

async function start(dataDir: string): Promise<Started> {
  const r = run(dataDir, await apiPort());
  const deadline = Date.now() + 90_000;
  while (!/Ctrl-C para detener/.test(r.output())) {
    if (!running.has(r.child)) throw new Error(`Mesa did not start:\n${r.output()}`);
    if (Date.now() > deadline) throw new Error(`Mesa not ready in 90 s:\n${r.output()}`);
    await new Promise((res) => setTimeout(res, 100));
  }
  const url = /Mesa está lista en (\S+)/.exec(r.output())![1]!;
  const temporalAddress = /Temporal:\s+(\S+)/.exec(r.output())![1]!;
  return { ...r, url, temporalAddress };
}

async function stop(s: Started): Promise<number | null> {
  s.child.kill('SIGINT');
  return s.exited;
}

const json = async (res: Response) => ({ status: res.status, body: await res.json() as Record<string, any> });

describe('the embedded mode (npm start)', () => {
  it('serves a launched proposal, refuses a second start on the same data, and keeps everything across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mesa-embedded-'));
    try {
      const first = await start(dataDir);
      expect(first.output()).toContain('secretaria@demo.mesa.test');
      expect((await fetch(`${first.url}/ready`)).status).toBe(200);

      const login = await json(await fetch(`${first.url}/api/v1/auth/token`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'secretaria@demo.mesa.test', password: 'demo-de-prueba' }),
      }));
      expect(login.status).toBe(200);
      const auth = { authorization: `Bearer ${login.body.token}` };
      const launched = await json(await fetch(`${first.url}/api/v1/proposals`, {
        method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(launchBody()),
      }));
      expect(launched.status).toBe(201);

      // A second copy on the same data folder says so and leaves the first one untouched.
      const second = run(dataDir, await apiPort());
      expect(await second.exited).toBe(1);
      expect(second.output()).toMatch(/ya está en ejecución/);
      expect((await fetch(`${first.url}/ready`)).status).toBe(200);

      expect(await stop(first)).toBe(0);
      expect(first.output()).toContain('Mesa detenida.');

      const again = await start(dataDir);
      const detail = await json(await fetch(`${again.url}/api/v1/proposals/${launched.body.id}`, { headers: auth }));
      expect(detail.status).toBe(200); // the user's token and the proposal both survived
      expect(detail.body).toEqual(launched.body);

      const connection = await Connection.connect({ address: again.temporalAddress });
      try {
        const handle = new Client({ connection }).workflow.getHandle(proposalWorkflowId(launched.body.id));
        expect((await handle.describe()).status.name).toBe('RUNNING');
        expect(await handle.query(stateQuery)).toMatchObject({ stage: 'grupo_de_trabajo', recorded: true });
      } finally {
        await connection.close();
      }
      expect(await stop(again)).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 240_000);

  it('runs two copies side by side with their own PORT and MESA_DATA_DIR', async () => {
    const [dirA, dirB] = [await mkdtemp(join(tmpdir(), 'mesa-a-')), await mkdtemp(join(tmpdir(), 'mesa-b-'))];
    try {
      const [a, b] = await Promise.all([start(dirA), start(dirB)]);
      expect(a.url).not.toBe(b.url);
      expect(a.temporalAddress).not.toBe(b.temporalAddress);
      expect([(await fetch(`${a.url}/ready`)).status, (await fetch(`${b.url}/ready`)).status]).toEqual([200, 200]);
      expect(await Promise.all([stop(a), stop(b)])).toEqual([0, 0]);
    } finally {
      await rm(dirA, { recursive: true, force: true });
      await rm(dirB, { recursive: true, force: true });
    }
  }, 240_000);
});
