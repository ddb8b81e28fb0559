// What the HTTP service is given: the app and every route plugin take this one object, so routes
// depend on it and not on the app that registers them.
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import type { ThrottleLimits } from './login-throttle';
import type { SessionSettings } from '../domain/session';

export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  tokenTtl: string;
  bodyLimit: number;
  logLevel: string;
  /** MESA_AUDIT_KEY, to verify the trails, and the checkpoint folder when this process can read it. */
  audit: { key: string; checkpointDir: string | null };
  /** MESA_PUBLIC_URL: every absolute link (calendar addresses) is built from it, never from the Host header. */
  publicUrl: string;
  /** MESA_TRUST_PROXY: which proxies' X-Forwarded-Proto/-For are believed (fastify's trustProxy); none by default. */
  trustProxy?: boolean | string[];
  /** MESA_WEBHOOK_ALLOW: private or loopback webhook targets accepted anyway. */
  webhookAllow?: string[];
  /** Login throttling; the defaults of api/login-throttle.ts when absent. */
  loginLimits?: ThrottleLimits;
  /** MESA_SESSION_*: the minimum notice of a convocation and the quorum rules; the defaults of domain/session.ts when absent. */
  sessions?: SessionSettings;
  /** MESA_CLOSE_OF_DAY: when a deadline counted in days ends (domain/calendar.ts); 17:00 when absent. */
  closeOfDay?: string;
}
