// All configuration, parsed once at boot by one schema into a frozen object. A wrong value stops
// the start with a sentence naming the variable. Nothing else reads Mesa's variables from
// process.env (runtime/temporal-cli.ts follows the system's own PATH and XDG_CACHE_HOME).
import { join } from 'node:path';
import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { describeSchemaError, type SchemaError } from '../api/validation';
import { isDuration } from '../domain/durations';
import { parseActorPrivateKey, parseActorPublicKey, type ActorKeys } from './actor-key';

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
  MESA_CLOSE_OF_DAY: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', default: '17:00', description: 'Hora de Lima (HH:MM) en que cierra el día hábil: un plazo en días vence a esa hora de su último día (por defecto 17:00, fin de la jornada de atención).' }),
  MESA_BODY_LIMIT: Type.Integer({ minimum: 1024, default: 1_048_576, description: 'Tamaño máximo de un cuerpo de petición, en bytes.' }),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://', description: 'Servidor de correo (smtp://usuario:clave@host:587); sin ella, el modo embebido guarda los correos en la carpeta de datos y producción no envía correo.' })),
  MESA_MAIL_FROM: Type.String({ minLength: 3, default: 'Mesa MTIGM <no-responder@mesa.mtigm.test>', description: 'Remitente de los correos.' }),
  MESA_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*)?$', description: 'Dirección pública de la web (https://mesa.example.gob.pe), para todo enlace absoluto: correos y direcciones de calendario (por defecto http://localhost:PORT). Nunca se toma del encabezado Host.' })),
  MESA_TRUST_PROXY: Type.Optional(Type.String({ pattern: '^(true|[0-9a-fA-F.:/]+(\\s*,\\s*[0-9a-fA-F.:/]+)*)$', description: 'Proxies cuyo X-Forwarded-Proto y X-Forwarded-For se creen: direcciones o rangos CIDR separados por comas (10.0.0.0/8,127.0.0.1), o true para cualquiera (solo si nadie llega a la API sin pasar por el proxy). Sin ella no se cree a ninguno.' })),
  MESA_WEBHOOK_ALLOW: Type.Optional(Type.String({ description: 'Destinos de webhook en redes privadas o locales que se aceptan igual: nombres de host, direcciones o rangos CIDR separados por comas (p. ej. 127.0.0.1,10.20.0.0/16,avisos.intranet). Sin ella se rechazan.' })),
  MESA_WORKFLOW_CACHE: Type.Integer({ minimum: 2, default: 500, description: 'Workflows que un worker guarda en memoria (~0,5 MiB cada uno); el resto se reconstruye de su historia al despertar.' }),
  MESA_ACTOR_KEY: Type.Optional(Type.String({ minLength: 1, description: 'Clave privada Ed25519 con la que la API firma a quien actúa en cada acción (PEM PKCS8, o 32 bytes en hex o base64). Obligatoria en producción para la API y, si no se da MESA_ACTOR_PUBLIC_KEY, para los workers; el modo embebido la genera en la carpeta de datos.' })),
  MESA_ACTOR_PUBLIC_KEY: Type.Optional(Type.String({ minLength: 1, description: 'Clave pública Ed25519 correspondiente (PEM SPKI, o 32 bytes en hex o base64): con ella un worker comprueba las firmas sin tener la clave privada.' })),
  MESA_AUDIT_KEY: Type.Optional(Type.String({ minLength: 32, description: 'Clave secreta (32 caracteres o más) con que se sella el registro de auditoría; se guarda fuera de la base de datos. Obligatoria en producción; el modo embebido la genera en la carpeta de datos.' })),
  MESA_AUDIT_CHECKPOINT_DIR: Type.Optional(Type.String({ minLength: 1, description: 'Carpeta donde el worker deja los puntos de control firmados del registro de auditoría (fuera de la base de datos, de solo agregar). Obligatoria para el worker en producción; en el modo embebido, la carpeta de datos.' })),
  MESA_USER_PASSWORD: Type.Optional(Type.String({ minLength: 8, description: 'Contraseña que «npm run user» da al usuario que crea; sin ella genera una y la muestra una vez.' })),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
});

export type Mode = 'embedded' | 'production';

export interface Config {
  mode: Mode;
  port: number;
  host: string;
  dataDir: string;
  demoPassword: string;
  /** For `npm run user` (runtime/create-user.ts) only; undefined means one is generated. */
  userPassword: string | undefined;
  /** Whether the demo users (with the public default password) are created at start. */
  demoUsers: boolean;
  databaseUrl: string | undefined;
  temporal: { address: string | undefined; namespace: string; taskQueue: string; connect: ClientConnectConfig; cliPath: string | undefined };
  tokenTtl: string;
  /** MESA_CLOSE_OF_DAY: when a deadline in days ends on its last day, Lima time (HH:MM). */
  closeOfDay: string;
  bodyLimit: number;
  logLevel: Static<typeof Env>['LOG_LEVEL'];
  mail: { smtpUrl: string | undefined; from: string; publicUrl: string };
  /** MESA_PUBLIC_URL without its trailing slash: the one base of every absolute link. */
  publicUrl: string;
  trustProxy: boolean | string[];
  webhookAllow: string[];
  workflowCache: number;
  /** From MESA_ACTOR_KEY (or only the public half, from MESA_ACTOR_PUBLIC_KEY); null when neither is set. */
  actorKeys: ActorKeys | null;
  /**
   * The key that seals audit trails (undefined only in the embedded mode, which keeps one in its
   * data folder: runtime/audit-key.ts) and the folder of their signed checkpoints.
   */
  audit: { key: string | undefined; checkpointDir: string | undefined };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(mode: Mode, env: NodeJS.ProcessEnv = process.env): Config {
  const raw = Object.fromEntries(Object.keys(Env.properties).flatMap((k) => (env[k] ? [[k, env[k]]] : [])));
  const v = Value.Default(Env, Value.Convert(Env, raw)) as Static<typeof Env>;
  const errors = [...Value.Errors(Env, v)] as SchemaError[];
  if (errors[0]) throw new ConfigError(`Configuración inválida: ${describeSchemaError(errors[0], 'La variable')}`);
  if (!isDuration(v.MESA_TOKEN_TTL)) throw new ConfigError('Configuración inválida: la variable «MESA_TOKEN_TTL» debe ser una duración ISO 8601 (por ejemplo PT12H).');
  if (mode === 'production' && !v.DATABASE_URL) throw new ConfigError('Configuración inválida: en producción la variable «DATABASE_URL» es obligatoria.');
  if (mode === 'production' && !v.TEMPORAL_ADDRESS) throw new ConfigError('Configuración inválida: en producción la variable «TEMPORAL_ADDRESS» es obligatoria.');
  if (mode === 'production' && !v.MESA_AUDIT_KEY) {
    throw new ConfigError('Configuración inválida: en producción la variable «MESA_AUDIT_KEY» es obligatoria: la clave secreta (32 caracteres o más, la misma en la API y en los workers) con que se sella el registro de auditoría, guardada fuera de la base de datos. Genere una con: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64url\'))"');
  }

  const actorKeys = parseActorKeys(v.MESA_ACTOR_KEY, v.MESA_ACTOR_PUBLIC_KEY);

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
    userPassword: v.MESA_USER_PASSWORD,
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
    closeOfDay: v.MESA_CLOSE_OF_DAY,
    bodyLimit: v.MESA_BODY_LIMIT,
    logLevel: v.LOG_LEVEL,
    workflowCache: v.MESA_WORKFLOW_CACHE,
    actorKeys,
    audit: Object.freeze({
      key: v.MESA_AUDIT_KEY,
      checkpointDir: v.MESA_AUDIT_CHECKPOINT_DIR ?? (mode === 'embedded' ? join(v.MESA_DATA_DIR, 'sellos-auditoria') : undefined),
    }),
    mail: Object.freeze({ smtpUrl: v.SMTP_URL, from: v.MESA_MAIL_FROM, publicUrl }),
    publicUrl,
    trustProxy: v.MESA_TRUST_PROXY === 'true' ? true : list(v.MESA_TRUST_PROXY).length ? list(v.MESA_TRUST_PROXY) : false,
    webhookAllow: list(v.MESA_WEBHOOK_ALLOW),
  });
}

function parseActorKeys(privateText: string | undefined, publicText: string | undefined): ActorKeys | null {
  const parse = (name: string, text: string, parser: (t: string) => ActorKeys, form: string) => {
    try {
      return parser(text);
    } catch {
      throw new ConfigError(`Configuración inválida: la variable «${name}» debe ser una clave Ed25519 (${form}, o 32 bytes en hex o base64).`);
    }
  };
  const own = privateText ? parse('MESA_ACTOR_KEY', privateText, parseActorPrivateKey, 'PEM PKCS8, como la de «openssl genpkey -algorithm ed25519»') : null;
  const given = publicText ? parse('MESA_ACTOR_PUBLIC_KEY', publicText, parseActorPublicKey, 'PEM SPKI') : null;
  if (own && given && own.publicKey !== given.publicKey) {
    throw new ConfigError('Configuración inválida: «MESA_ACTOR_PUBLIC_KEY» no corresponde a «MESA_ACTOR_KEY».');
  }
  return own ?? given;
}

const actorKeyHelp = 'genere una con «openssl genpkey -algorithm ed25519» y dé la misma a la API y a los workers (o a estos solo su clave pública en «MESA_ACTOR_PUBLIC_KEY», de «openssl pkey -pubout»)';

/** The API's signing key; a production API without it does not start. */
export function requireActorSigningKey(config: Config): ActorKeys & { privateKey: NonNullable<ActorKeys['privateKey']> } {
  const keys = config.actorKeys;
  if (!keys?.privateKey) {
    throw new ConfigError(`Configuración inválida: en producción la variable «MESA_ACTOR_KEY» es obligatoria para la API: con ella firma a quien actúa y los workers rechazan toda acción sin firma; ${actorKeyHelp}.`);
  }
  return keys as ActorKeys & { privateKey: NonNullable<ActorKeys['privateKey']> };
}

/** The worker's public key; a production worker without it does not start. */
export function requireActorPublicKey(config: Config): string {
  if (!config.actorKeys) {
    throw new ConfigError(`Configuración inválida: en producción el worker necesita «MESA_ACTOR_KEY» o «MESA_ACTOR_PUBLIC_KEY» para comprobar quién actúa; ${actorKeyHelp}.`);
  }
  return config.actorKeys.publicKey;
}
