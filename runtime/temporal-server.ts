// Runs the real Temporal dev server (`temporal server start-dev`) as a child process, on free
// ports of its own, and waits until it answers: used by the embedded mode and by the tests.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { mesaSearchAttributeKeys } from '../workflows/search-attributes';

export interface DevServer {
  address: string;
  uiUrl: string | null;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  cliPath: string;
  /** SQLite file that keeps workflows across restarts; in memory when absent. */
  dbFile?: string;
  ui?: boolean;
  namespace?: string;
  /** Dynamic configuration values; `requiredSettings` when absent. */
  settings?: Record<string, string>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** What the proposal workflow needs of any Temporal server: updates, and update-with-start. */
export const requiredSettings: Record<string, string> = {
  'frontend.enableUpdateWorkflowExecution': 'true',
  'frontend.enableExecuteMultiOperation': 'true',
};

/**
 * For Mesa's own servers: 22 members may answer a round in the same second, more than the 10
 * updates in flight per workflow that Temporal admits by default. (Past the limit the client
 * retries with backoff, so it is only slower; the tests keep the default to prove that.)
 */
export const recommendedSettings: Record<string, string> = {
  ...requiredSettings,
  'history.maxInFlightUpdates': '50',
};

export async function startDevServer(o: DevServerOptions): Promise<DevServer> {
  const [port, uiPort] = [await freePort(), await freePort()];
  const address = `127.0.0.1:${port}`;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'];
  if (o.dbFile) args.push('--db-filename', o.dbFile);
  if (o.ui) args.push('--ui-port', String(uiPort));
  else args.push('--headless');
  if (o.namespace && o.namespace !== 'default') args.push('--namespace', o.namespace);
  for (const [key, value] of Object.entries(o.settings ?? requiredSettings)) args.push('--dynamic-config-value', `${key}=${value}`);
  // The Mesa's own search attributes (workflows/search-attributes.ts), as a cluster registers them.
  for (const key of mesaSearchAttributeKeys) args.push('--search-attribute', `${key.name}=${key.type === 'KEYWORD_LIST' ? 'KeywordList' : 'Keyword'}`);

  const child = spawn(o.cliPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr = (stderr + c).slice(-4000); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let alive = true;
  void exited.then(() => { alive = false; });

  const stop = async () => {
    if (!alive) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  // Ready means: the frontend answers and the namespace exists. Checked every 100 ms, and given
  // up at once if the process dies (a port taken, a locked database file).
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (!alive) throw new Error(`El servidor de Temporal terminó al arrancar:\n${stderr.trim()}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`El servidor de Temporal no respondió en 90 s:\n${stderr.trim()}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: o.namespace ?? 'default' });
        return { address, uiUrl: o.ui ? `http://127.0.0.1:${uiPort}` : null, stop };
      } finally {
        await connection.close();
      }
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
