import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../runtime/config';

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
  ])('stops the start with a message naming the variable for %o', (env, name) => {
    expect(() => loadConfig('embedded', env)).toThrow(ConfigError);
    expect(() => loadConfig('embedded', env)).toThrow(`«${name}»`);
  });

  it('requires DATABASE_URL and TEMPORAL_ADDRESS in production, and listens on every interface there', () => {
    expect(() => loadConfig('production', { TEMPORAL_ADDRESS: 'temporal:7233' })).toThrow('«DATABASE_URL»');
    expect(() => loadConfig('production', { DATABASE_URL: 'postgres://db/mesa' })).toThrow('«TEMPORAL_ADDRESS»');
    const c = loadConfig('production', { DATABASE_URL: 'postgres://db/mesa', TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'mesa-prod' });
    expect(c).toMatchObject({ host: '0.0.0.0', temporal: { address: 'temporal:7233', namespace: 'mesa-prod' } });
  });
});
