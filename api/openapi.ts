// The API's OpenAPI document as /openapi.json serves it, built without a server or any
// connection: it depends only on the routes' schemas, so the database and the workflow client
// are stand-ins that refuse to be used.
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import { buildApp } from './app';

const unusable = (what: string) => new Proxy({}, {
  get: () => { throw new Error(`${what} is not available while the OpenAPI document is written`); },
});

export async function openapiDocument(publicUrl: string): Promise<Record<string, unknown>> {
  const app = await buildApp({
    db: unusable('The database') as Db,
    temporal: unusable('The workflow client') as Client,
    taskQueue: 'mesa', tokenTtl: 'PT1H', bodyLimit: 1_048_576, logLevel: 'silent',
    audit: { key: 'openapi', checkpointDir: null },
    publicUrl,
  });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}
