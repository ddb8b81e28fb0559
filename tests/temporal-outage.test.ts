// Temporal unreachable for a while, then back: the API's connection finds it again within about a
// second, instead of waiting out gRPC's growing reconnect backoff (some 17 s after half a minute).
// A TCP relay stands between the connection and the run's Temporal server, and is cut and restored.
import { inject, expect, it } from 'vitest';
import { loadConfig } from '../runtime/config';
import { connectTemporal } from '../runtime/boot';
import { relay } from './relay';

it('answers again within two seconds of Temporal coming back after an outage', async () => {
  const link = await relay(inject('temporalAddress'));
  const config = loadConfig('embedded', { TEMPORAL_ADDRESS: link.address });
  const temporal = await connectTemporal(config.temporal, link.address, null);
  const { connection } = temporal.client;
  const reachable = () => connection.withDeadline(Date.now() + 500, () => connection.workflowService.getSystemInfo({})).then(() => true, () => false);
  try {
    expect(await reachable()).toBe(true);
    await link.cut();
    // Clients keep calling during the outage, as they do: each failed call lengthens gRPC's backoff.
    const outageEnds = Date.now() + 15_000;
    while (Date.now() < outageEnds) {
      expect(await reachable()).toBe(false);
      await new Promise((r) => setTimeout(r, 250));
    }
    await link.restore();
    const back = Date.now();
    while (!(await reachable())) {
      expect(Date.now() - back).toBeLessThan(2000);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await temporal.close();
    await link.close();
  }
}, 60_000);
