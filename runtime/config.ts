// All configuration, parsed once at boot by one schema into a frozen object. A wrong value stops
// the start with a sentence naming the variable. Nothing else reads process.env.
import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { describeSchemaError, type SchemaError } from '../api/validation';
import { isDuration } from '../domain/durations';

const Env = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'Puerto HTTP de la API y la web.' }),
  HOST: Type.Optional(Type.String({ minLength: 1, description: 'Interfaz donde escucha la API (embebido: 127.0.0.1; producción: 0.0.0.0).' })),
  MESA_DATA_DIR: Type.String({ minLength: 1, default: 'data', description: 'Carpeta de datos del modo embebido.' }),
  MESA_DEMO_PASSWORD: Type.String({ minLength: 8, default: 'mesa-demo-2026', description: 'Contraseña de los usuarios de demostración (solo modo embebido).' }),
  MESA_DEMO_USERS: Type.Optional(Type.Boolean({ description: 'Crea los usuarios de demostración (uno por institución, con MESA_DEMO_PASSWORD). Por defecto solo en el modo embebido sin DATABASE_URL (PGlite); nunca en producción.' })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL; sin ella, el modo embebido usa PGlite.' })),
  TEMPORAL_ADDRESS: Type.Optional(Type.String({ pattern: '^[^\\s:]+:\\d+$', description: 'Servicio de Temporal (host:puerto); sin ella, el modo embebido arranca uno.' })),
  TEMPORAL_TASK_QUEUE: Type.String({ minLength: 1, default: 'mesa', description: 'Cola de tareas de los workers.' }),
  TEMPORAL_CLI_PATH: Type.Optional(Type.String({ minLength: 1, description: 'Ruta a un Temporal CLI ya instalado.' })),
  MESA_TOKEN_TTL: Type.String({ default: 'PT12H', description: 'Vigencia de una sesión (duración ISO 8601).' }),
  MESA_BODY_LIMIT: Type.Integer({ minimum: 1024, default: 1_048_576, description: 'Tamaño máximo de un cuerpo de petición, en bytes.' }),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://', description: 'Servidor de correo (smtp://usuario:clave@host:587); sin ella, el modo embebido guarda los correos en la carpeta de datos y producción no envía correo.' })),
  MESA_MAIL_FROM: Type.String({ minLength: 3, default: 'Mesa MTIGM <no-responder@mesa.mtigm.test>', description: 'Remitente de los correos.' }),
  MESA_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*)?$', description: 'Dirección pública de la web (https://mesa.example.gob.pe), para todo enlace absoluto: correos y direcciones de calendario (por defecto http://localhost:PORT). Nunca se toma del encabezado Host.' })),
  MESA_TRUST_PROXY: Type.Optional(Type.String({ pattern: '^(true|[0-9a-fA-F.:/]+(\\s*,\\s*[0-9a-fA-F.:/]+)*)$', description: 'Proxies cuyo X-Forwarded-Proto y X-Forwarded-For se creen: direcciones o rangos CIDR separados por comas (10.0.0.0/8,127.0.0.1), o true para cualquiera (solo si nadie llega a la API sin pasar por el proxy). Sin ella no se cree a ninguno.' })),
  MESA_WEBHOOK_ALLOW: Type.Optional(Type.String({ description: 'Destinos de webhook en redes privadas o locales que se aceptan igual: nombres de host, direcciones o rangos CIDR separados por comas (p. ej. 127.0.0.1,10.20.0.0/16,avisos.intranet). Sin ella se rechazan.' })),
  MESA_WORKFLOW_CACHE: Type.Integer({ minimum: 2, default: 500, description: 'Workflows que un worker guarda en memoria (~0,5 MiB cada uno); el resto se reconstruye de su historia al despertar.' }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
});

export type Mode = 'embedded' | 'production';

export interface Config {
  mode: Mode;
  port: number;
  host: string;
  dataDir: string;
  demoPassword: string;
  /** Whether the demo users (with the public default password) are created at start. */
  demoUsers: boolean;
  databaseUrl: string | undefined;
  temporal: { address: string | undefined; namespace: string; taskQueue: string; connect: ClientConnectConfig; cliPath: string | undefined };
  tokenTtl: string;
  bodyLimit: number;
  logLevel: Static<typeof Env>['LOG_LEVEL'];
  mail: { smtpUrl: string | undefined; from: string; publicUrl: string };
  /** MESA_PUBLIC_URL without its trailing slash: the one base of every absolute link. */
  publicUrl: string;
  trustProxy: boolean | string[];
  webhookAllow: string[];
  workflowCache: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Variables and their descriptions, for the README's configuration table. */
export const configVariables = Object.entries(Env.properties).map(([name, s]) => ({
  name, description: (s as { description?: string }).description ?? '', default: (s as { default?: unknown }).default,
}));

export function loadConfig(mode: Mode, env: NodeJS.ProcessEnv = process.env): Config {
  const raw = Object.fromEntries(Object.keys(Env.properties).flatMap((k) => (env[k] ? [[k, env[k]]] : [])));
  const v = Value.Default(Env, Value.Convert(Env, raw)) as Static<typeof Env>;
  const errors = [...Value.Errors(Env, v)] as SchemaError[];
  if (errors[0]) throw new ConfigError(`Configuración inválida: ${describeSchemaError(errors[0], 'La variable')}`);
  if (!isDuration(v.MESA_TOKEN_TTL)) throw new ConfigError('Configuración inválida: la variable «MESA_TOKEN_TTL» debe ser una duración ISO 8601 (por ejemplo PT12H).');
  if (mode === 'production' && !v.DATABASE_URL) throw new ConfigError('Configuración inválida: en producción la variable «DATABASE_URL» es obligatoria.');
  if (mode === 'production' && !v.TEMPORAL_ADDRESS) throw new ConfigError('Configuración inválida: en producción la variable «TEMPORAL_ADDRESS» es obligatoria.');

  let connect: ClientConnectConfig;
  try {
    // TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_* and profiles, read the standard way.
    connect = loadClientConnectConfig({ overrideEnvVars: env as Record<string, string> });
  } catch (e) {
    throw new ConfigError(`Configuración de Temporal inválida: ${(e as Error).message}`);
  }
  const publicUrl = (v.MESA_PUBLIC_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, '');
  const list = (text: string | undefined) => (text ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  return Object.freeze({
    mode,
    port: v.PORT,
    host: v.HOST ?? (mode === 'embedded' ? '127.0.0.1' : '0.0.0.0'),
    dataDir: v.MESA_DATA_DIR,
    demoPassword: v.MESA_DEMO_PASSWORD,
    // The public default password must never guard accounts on a shared database: demo users only
    // on the embedded default (PGlite in the data folder) unless asked for by name.
    demoUsers: mode === 'embedded' && (v.MESA_DEMO_USERS ?? !v.DATABASE_URL),
    databaseUrl: v.DATABASE_URL,
    temporal: Object.freeze({
      address: v.TEMPORAL_ADDRESS,
      namespace: connect.namespace ?? 'default',
      taskQueue: v.TEMPORAL_TASK_QUEUE,
      connect,
      cliPath: v.TEMPORAL_CLI_PATH,
    }),
    tokenTtl: v.MESA_TOKEN_TTL,
    bodyLimit: v.MESA_BODY_LIMIT,
    logLevel: v.LOG_LEVEL,
    workflowCache: v.MESA_WORKFLOW_CACHE,
    mail: Object.freeze({ smtpUrl: v.SMTP_URL, from: v.MESA_MAIL_FROM, publicUrl }),
    publicUrl,
    trustProxy: v.MESA_TRUST_PROXY === 'true' ? true : list(v.MESA_TRUST_PROXY).length ? list(v.MESA_TRUST_PROXY) : false,
    webhookAllow: list(v.MESA_WEBHOOK_ALLOW),
  });
}
