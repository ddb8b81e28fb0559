// `npm run cluster`: the production topology on this machine (runtime/cluster.ts) on a
// PostgreSQL it is given (MESA_CLUSTER_DATABASE_URL, the local one by default). Ctrl-C stops it
// all; started again, it finds its databases and keys and goes on where it was.
import { resolve } from 'node:path';
import { startCluster, temporalPorts, workerMetricsPort, type Cluster } from './cluster';
import { ConfigError, loadClusterConfig } from './config';
import { ignoreShutdownNoise } from './process';
import { resolveTemporalServer } from './temporal-server-bin';

const say = (line: string) => console.log(line);

let cluster: Cluster | null = null;
let stopping = false;
ignoreShutdownNoise(() => stopping);
const onSignal = (signal: string) => {
  if (stopping) return;
  stopping = true;
  say(`\n${signal}: deteniendo el clúster…`);
  void (cluster?.stop() ?? Promise.resolve({})).then((codes) => {
    const failed = Object.entries(codes).filter(([, code]) => code !== 0);
    for (const [name, code] of failed) say(`  ${name} terminó con código ${code}.`);
    say('Clúster detenido.');
    process.exit(failed.length ? 1 : 0);
  });
};
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));

try {
  const config = loadClusterConfig();
  const binaries = await resolveTemporalServer(config.serverDir, say);
  cluster = await startCluster({ config, binaries, say });
  const ports = temporalPorts(config.temporalPortBase);
  const pid = (name: string) => cluster!.processes.get(name)!.pid();
  const dir = resolve(config.dir);
  say('');
  say(`Mesa está lista en ${cluster.url} (haproxy, pid ${pid('haproxy')})`);
  say(`  API y documentación:  ${cluster.url}/docs`);
  cluster.apis.forEach((url, i) => say(`  API ${i + 1}:                ${url} (pid ${pid(`mesa-api-${i + 1}`)})`));
  for (let i = 1; i <= config.workers; i++) say(`  Worker ${i}:             pid ${pid(`mesa-worker-${i}`)}, métricas en http://127.0.0.1:${workerMetricsPort(config, i)}/metrics`);
  say(`  Métricas de las API:  ${cluster.apis.map((url) => `${url}/metrics`).join(' ')}`);
  say(`  Temporal frontend:    ${cluster.temporalAddress}${config.tls ? ' (TLS mutuo)' : ''}, espacio de nombres «${cluster.namespace}»`);
  for (const service of ['history', 'matching', 'worker'] as const) {
    say(`  Temporal ${service.padEnd(12)} 127.0.0.1:${ports[service].grpc} (pid ${pid(`temporal-${service}`)})`);
  }
  say(`  Métricas de Temporal: ${Object.values(ports).map((p) => `http://127.0.0.1:${p.metrics}/metrics`).join(' ')}`);
  say(`  Bases de datos:       ${Object.values(cluster.databaseUrls).map((u) => u.replace(/\/\/[^@]*@/, '//')).join('  ')}`);
  say(`  Claves y registros:   ${dir} (registros/<proceso>.log)`);
  say('  Usuarios:             créelos con «npm run user» y DATABASE_URL de arriba.');
  say('Ctrl-C para detener.');
} catch (e) {
  const message = e instanceof ConfigError ? e.message : (e as Error).message;
  console.error(`\nNo se pudo iniciar el clúster: ${message}`);
  process.exit(1);
}
