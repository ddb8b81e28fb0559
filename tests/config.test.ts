import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../domain/calendar';
import { earliestStart, noticeDefaults } from '../domain/session';
import { embeddedAuditKey } from '../runtime/audit-key';
import { startCluster, temporalPorts } from '../runtime/cluster';
import { ConfigError, loadClusterConfig, loadConfig } from '../runtime/config';
import { freeBase } from './ports';

describe('configuration', () => {
  it('has working defaults for the embedded mode', () => {
    const c = loadConfig('embedded', {});
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', dataDir: 'data', databaseUrl: undefined, temporal: { address: undefined, taskQueue: 'mesa', namespace: 'default' } });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each([
    [{ PORT: 'tres mil' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ MESA_DEMO_PASSWORD: 'corta' }, 'MESA_DEMO_PASSWORD'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ TEMPORAL_ADDRESS: 'sin-puerto' }, 'TEMPORAL_ADDRESS'],
    [{ MESA_TOKEN_TTL: '12 horas' }, 'MESA_TOKEN_TTL'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    [{ MESA_SESSION_NOTICE: 'cinco días' }, 'MESA_SESSION_NOTICE'],
    [{ MESA_SESSION_NOTICE: '{"workingDays": 0}' }, 'MESA_SESSION_NOTICE'],
    [{ MESA_SESSION_NOTICE: '{"until": "2027-01-04"}' }, 'MESA_SESSION_NOTICE'],
  ])('stops the start with a message naming the variable for %o', (env, name) => {
    expect(() => loadConfig('embedded', env)).toThrow(ConfigError);
    expect(() => loadConfig('embedded', env)).toThrow(`«${name}»`);
  });

  it('takes the minimum notice of a session as a deadline expression, by default working days by kind', () => {
    expect(loadConfig('embedded', {}).sessions.notice).toBeNull();
    expect(noticeDefaults).toEqual({ ordinaria: { workingDays: 5 }, extraordinaria: { workingDays: 2 } });
    expect(loadConfig('embedded', { MESA_SESSION_NOTICE: '{"workingDays": 3}' }).sessions.notice).toEqual({ workingDays: 3 });
    expect(loadConfig('embedded', { MESA_SESSION_NOTICE: 'PT0S' }).sessions.notice).toBe('PT0S');
    // Convened on a Monday with 5 working days, a session may be held from the next Monday;
    // a holiday in between (8 December) pushes it one working day.
    const calendar = new WorkingCalendar();
    expect(earliestStart(new Date('2026-11-23T15:00:00Z'), { workingDays: 5 }, calendar).toISOString()).toBe('2026-11-30T05:00:00.000Z');
    expect(earliestStart(new Date('2026-12-07T15:00:00Z'), { workingDays: 2 }, calendar).toISOString()).toBe('2026-12-11T05:00:00.000Z');
  });

  it('requires DATABASE_URL and TEMPORAL_ADDRESS in production, and listens on every interface there', () => {
    expect(() => loadConfig('production', { TEMPORAL_ADDRESS: 'temporal:7233' })).toThrow('«DATABASE_URL»');
    expect(() => loadConfig('production', { DATABASE_URL: 'postgres://db/mesa' })).toThrow('«TEMPORAL_ADDRESS»');
    const c = loadConfig('production', { DATABASE_URL: 'postgres://db/mesa', TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'mesa-prod', MESA_AUDIT_KEY: 'k'.repeat(32) });
    expect(c).toMatchObject({ host: '0.0.0.0', temporal: { address: 'temporal:7233', namespace: 'mesa-prod' } });
  });

  it('requires the audit key in production, and keeps a generated one in the data folder on the embedded default', async () => {
    const production = { DATABASE_URL: 'postgres://db/mesa', TEMPORAL_ADDRESS: 'temporal:7233' };
    expect(() => loadConfig('production', production)).toThrow('en producción la variable «MESA_AUDIT_KEY» es obligatoria');
    expect(() => loadConfig('production', { ...production, MESA_AUDIT_KEY: 'corta' })).toThrow('«MESA_AUDIT_KEY»');
    expect(loadConfig('production', { ...production, MESA_AUDIT_KEY: 'k'.repeat(32), MESA_AUDIT_CHECKPOINT_DIR: '/srv/sellos' }).audit)
      .toEqual({ key: 'k'.repeat(32), checkpointDir: '/srv/sellos' });
    expect(loadConfig('embedded', { MESA_DATA_DIR: 'datos' }).audit).toEqual({ key: undefined, checkpointDir: join('datos', 'sellos-auditoria') });

    const dir = await mkdtemp(join(tmpdir(), 'mesa-clave-'));
    try {
      const key = embeddedAuditKey(dir);
      expect(key.length).toBeGreaterThanOrEqual(32);
      expect((await stat(join(dir, 'clave-auditoria'))).mode & 0o777).toBe(0o600);
      expect(embeddedAuditKey(dir)).toBe(key); // reused on every later start
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the setting when the cluster is misconfigured, and starts nothing', async () => {
    expect(loadClusterConfig({})).toMatchObject({
      adminUrl: 'postgres://postgres@127.0.0.1:5432/postgres', databases: { temporal: 'temporal', visibility: 'temporal_visibility', mesa: 'mesa' },
      balancerPort: 3000, temporalPortBase: 7233, apis: 2, workers: 2, tls: null,
    });
    expect(() => loadClusterConfig({ MESA_CLUSTER_DATABASE_URL: 'mysql://db' })).toThrow('«MESA_CLUSTER_DATABASE_URL»');
    expect(() => loadClusterConfig({ MESA_CLUSTER_DB_PREFIX: 'Mesa-' })).toThrow('«MESA_CLUSTER_DB_PREFIX»');
    expect(() => loadClusterConfig({ TEMPORAL_SERVER_TLS_CERT: '/etc/mesa/temporal.pem' })).toThrow('con «TEMPORAL_SERVER_TLS_CERT» hacen falta también «TEMPORAL_SERVER_TLS_KEY» y «TEMPORAL_SERVER_TLS_CA»');
    expect(() => loadClusterConfig({ TEMPORAL_SERVER_TLS_CERT: '/no/existe.pem', TEMPORAL_SERVER_TLS_KEY: '/no/existe.key', TEMPORAL_SERVER_TLS_CA: '/no/ca.pem' }))
      .toThrow('el archivo de la variable «TEMPORAL_SERVER_TLS_CERT» («/no/existe.pem») no existe');

    // An unreachable PostgreSQL is found before any process starts.
    const dir = await mkdtemp(join(tmpdir(), 'mesa-cluster-config-'));
    try {
      // Free ports, so that the check this test is about is the one that fails.
      const temporalBase = await freeBase(Object.values(temporalPorts(0)).flatMap((p) => [p.grpc, p.membership, p.metrics]), 20_000, 30_000);
      const balancer = await freeBase([0, 1, 2, 11, 12], 10_000, 19_000);
      const config = loadClusterConfig({ MESA_CLUSTER_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postgres', MESA_CLUSTER_DIR: dir, PORT: String(balancer), TEMPORAL_PORT_BASE: String(temporalBase) });
      const start = startCluster({ config, binaries: { server: '/no/existe', sqlTool: '/no/existe', schemaDir: '/no/existe' }, env: {} });
      await expect(start).rejects.toThrow(ConfigError);
      await expect(start).rejects.toThrow(/no se pudo conectar a PostgreSQL con «MESA_CLUSTER_DATABASE_URL»/);
      expect(await readdir(join(dir, 'registros'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a cluster whose connections PostgreSQL could not hold, naming max_connections, and starts nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mesa-cluster-conexiones-'));
    try {
      const temporalBase = await freeBase(Object.values(temporalPorts(0)).flatMap((p) => [p.grpc, p.membership, p.metrics]), 20_000, 30_000);
      // The balancer, eight APIs after it and eight workers' metrics from PORT+11.
      const balancer = await freeBase([...Array.from({ length: 9 }, (_, i) => i), ...Array.from({ length: 8 }, (_, i) => 11 + i)], 10_000, 19_000);
      const config = loadClusterConfig({
        MESA_CLUSTER_DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', MESA_CLUSTER_DIR: dir,
        PORT: String(balancer), TEMPORAL_PORT_BASE: String(temporalBase), MESA_CLUSTER_APIS: '8', MESA_CLUSTER_WORKERS: '8',
      });
      // 32 for Temporal, 11 for each of the 16 Mesa processes and 10 for tools: 218, against the
      // 100 of PostgreSQL's default (the test server's).
      const start = startCluster({ config, binaries: { server: '/no/existe', sqlTool: '/no/existe', schemaDir: '/no/existe' }, env: {} });
      await expect(start).rejects.toThrow(ConfigError);
      await expect(start).rejects.toThrow(/el clúster necesita 218: 32 para los cuatro servicios de Temporal.*Suba «max_connections»/);
      expect(await readdir(join(dir, 'registros'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
