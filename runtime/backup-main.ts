// `npm run backup -- <folder>` and `npm run restore -- <folder>`: the cluster's three databases
// (MESA_CLUSTER_DATABASE_URL and MESA_CLUSTER_DB_PREFIX, as `npm run cluster` names them), dumped
// with pg_dump into the folder, or restored from it into databases that do not exist yet.
import { backupDatabases, restoreDatabases } from './backup';
import { ConfigError, loadClusterConfig } from './config';

const [command, folder] = [process.argv[2], process.argv[3]];
if ((command !== 'backup' && command !== 'restore') || !folder) {
  console.error('Uso: npm run backup -- <carpeta>   |   npm run restore -- <carpeta>');
  process.exit(2);
}
try {
  const config = loadClusterConfig();
  const urlOf = (name: string) => {
    const url = new URL(config.adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const urls = { temporal: urlOf(config.databases.temporal), visibility: urlOf(config.databases.visibility), mesa: urlOf(config.databases.mesa) };
  if (command === 'backup') {
    const manifest = await backupDatabases(urls, folder);
    for (const d of manifest.dumps) console.log(`  ${d.database}: ${d.file} (${Math.round(d.bytes / 1024)} KiB, desde ${d.startedAt})`);
    console.log(`Copia lista en ${folder}. Guarde con ella, aparte, MESA_AUDIT_KEY y MESA_ACTOR_KEY (o la carpeta ${config.dir}).`);
  } else {
    const manifest = await restoreDatabases(folder, config.adminUrl, urls);
    console.log(`Restaurada la copia del ${manifest.at} en ${Object.values(config.databases).join(', ')}. Inicie el clúster sobre ellas: npm run cluster.`);
  }
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : `No se pudo completar: ${(e as Error).message}`);
  process.exit(1);
}
