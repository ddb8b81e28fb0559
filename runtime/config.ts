// All configuration, parsed once at boot by one schema into a frozen object. A wrong value stops
// the start with a sentence naming the variable. Nothing else reads Mesa's variables from
// process.env (runtime/temporal-cli.ts follows the system's own PATH and XDG_CACHE_HOME).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { describeSchemaError, type SchemaError } from '../api/validation';
import { isDuration } from '../domain/durations';
import { noticeProblem, sessionDefaults, type NoticeExpression, type SessionSettings } from '../domain/session';
import { parseActorPrivateKey, parseActorPublicKey, type ActorKeys } from './actor-key';
import type { S3Settings } from '../engine/documents';

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
  MESA_SESSION_NOTICE: Type.Optional(Type.String({ minLength: 2, description: 'Anticipación mínima entre la convocatoria y el inicio de una sesión, como plazo: {"workingDays": n} (días hábiles en el calendario de la Mesa), {"days": n} o una duración ISO 8601. Por defecto 5 días hábiles las ordinarias y 2 las extraordinarias. Con PT0S una sesión puede empezar un minuto después de convocada (pruebas y demostraciones).' })),
  MESA_SESSION_QUORUM: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.5, description: 'Quórum de una sesión en primera convocatoria: más de esta fracción de los miembros activos (por defecto 0.5: más de la mitad).' }),
  MESA_SESSION_SECOND_CALL_QUORUM: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.3333, description: 'Quórum en segunda convocatoria: más de esta fracción de los miembros activos (por defecto un tercio).' }),
  MESA_SESSION_SECOND_CALL_WAIT: Type.String({ minLength: 2, default: 'PT30M', description: 'Espera entre la primera y la segunda convocatoria (duración ISO 8601).' }),
  MESA_ACTA_P12: Type.Optional(Type.String({ minLength: 1, description: 'Archivo PKCS#12 (.p12) con la clave y el certificado con que el worker firma las actas aprobadas (PAdES). El modo embebido genera uno de prueba en la carpeta de datos.' })),
  MESA_ACTA_P12_PASSWORD: Type.Optional(Type.String({ description: 'Contraseña de MESA_ACTA_P12.' })),
  MESA_USER_PASSWORD: Type.Optional(Type.String({ minLength: 8, description: 'Contraseña que «npm run user» da al usuario que crea; sin ella genera una y la muestra una vez.' })),
  MESA_METRICS_ADDRESS: Type.Optional(Type.String({ pattern: '^[^\\s:]+:\\d+$', description: 'Worker: dirección host:puerto donde publica sus métricas Prometheus en /metrics (las del SDK de Temporal, envíos y pendientes de envío). La API las publica en su propio puerto, en /metrics.' })),
  MESA_ATTACHMENT_MAX_BYTES: Type.Integer({ minimum: 1024, default: 20 * 1024 * 1024, description: 'Tamaño máximo de un documento adjunto, en bytes (por defecto 20 MiB).' }),
  MESA_VIRUS_SCAN_COMMAND: Type.Optional(Type.String({ minLength: 1, description: 'Antivirus por el que pasa cada documento antes de guardarse: el programa y sus argumentos, al que se añade la ruta del archivo (p. ej. «clamdscan --no-summary»). Código de salida 0: limpio; 1: infectado (se rechaza con 422); otro: no se acepta el archivo. Sin ella no se escanea.' })),
  MESA_S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://[^\\s/?#]+/?$', description: 'Almacén compatible con S3 para los documentos (https://s3.example.gob.pe, http://minio:9000); sin ella se guardan en la carpeta de datos (MESA_DATA_DIR/documentos).' })),
  MESA_S3_BUCKET: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$', description: 'Bucket de los documentos (obligatorio con MESA_S3_ENDPOINT).' })),
  MESA_S3_REGION: Type.String({ minLength: 1, default: 'us-east-1', description: 'Región con que se firman las peticiones al almacén S3.' }),
  MESA_S3_ACCESS_KEY_ID: Type.Optional(Type.String({ minLength: 1, description: 'Clave de acceso del almacén S3.' })),
  MESA_S3_SECRET_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1, description: 'Clave secreta del almacén S3.' })),
  MESA_S3_PREFIX: Type.String({ default: 'documentos/', description: 'Prefijo de los objetos en el bucket.' }),
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
  /** Where a worker serves its Prometheus metrics (MESA_METRICS_ADDRESS); none when undefined. */
  metricsAddress: string | undefined;
  /** From MESA_ACTOR_KEY (or only the public half, from MESA_ACTOR_PUBLIC_KEY); null when neither is set. */
  actorKeys: ActorKeys | null;
  /**
   * The key that seals audit trails (undefined only in the embedded mode, which keeps one in its
   * data folder: runtime/audit-key.ts) and the folder of their signed checkpoints.
   */
  audit: { key: string | undefined; checkpointDir: string | undefined };
  sessions: SessionSettings;
  /** MESA_ACTA_P12 and its passphrase: who signs approved actas (runtime/acta-key.ts). */
  acta: { p12: string | undefined; password: string | undefined };
  /** Attached documents: their size limit, the virus scanner, and where they are kept (runtime/boot.ts, documentSettingsFor). */
  documents: { maxBytes: number; scanCommand: string | null; dir: string; s3: S3Settings | null };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(mode: Mode, env: NodeJS.ProcessEnv = process.env): Config {
  const raw = Object.fromEntries(Object.keys(Env.properties).flatMap((k) => (env[k] ? [[k, env[k]]] : [])));
  const v = Value.Default(Env, Value.Convert(Env, raw)) as Static<typeof Env>;
  const errors = [...Value.Errors(Env, v)] as SchemaError[];
  if (errors[0]) throw new ConfigError(`Configuración inválida: ${describeSchemaError(errors[0], 'La variable')}`);
  const notice = v.MESA_SESSION_NOTICE === undefined ? null : noticeSetting(v.MESA_SESSION_NOTICE);
  if (!isDuration(v.MESA_SESSION_SECOND_CALL_WAIT)) throw new ConfigError('Configuración inválida: la variable «MESA_SESSION_SECOND_CALL_WAIT» debe ser una duración ISO 8601 (por ejemplo PT30M).');
  if (!isDuration(v.MESA_TOKEN_TTL)) throw new ConfigError('Configuración inválida: la variable «MESA_TOKEN_TTL» debe ser una duración ISO 8601 (por ejemplo PT12H).');
  if (mode === 'production' && !v.DATABASE_URL) throw new ConfigError('Configuración inválida: en producción la variable «DATABASE_URL» es obligatoria.');
  if (mode === 'production' && !v.TEMPORAL_ADDRESS) throw new ConfigError('Configuración inválida: en producción la variable «TEMPORAL_ADDRESS» es obligatoria.');
  if (mode === 'production' && !v.MESA_AUDIT_KEY) {
    throw new ConfigError('Configuración inválida: en producción la variable «MESA_AUDIT_KEY» es obligatoria: la clave secreta (32 caracteres o más, la misma en la API y en los workers) con que se sella el registro de auditoría, guardada fuera de la base de datos. Genere una con: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64url\'))"');
  }

  const actorKeys = parseActorKeys(v.MESA_ACTOR_KEY, v.MESA_ACTOR_PUBLIC_KEY);
  const s3 = s3Of(v);

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
    metricsAddress: v.MESA_METRICS_ADDRESS,
    actorKeys,
    audit: Object.freeze({
      key: v.MESA_AUDIT_KEY,
      checkpointDir: v.MESA_AUDIT_CHECKPOINT_DIR ?? (mode === 'embedded' ? join(v.MESA_DATA_DIR, 'sellos-auditoria') : undefined),
    }),
    mail: Object.freeze({ smtpUrl: v.SMTP_URL, from: v.MESA_MAIL_FROM, publicUrl }),
    publicUrl,
    trustProxy: v.MESA_TRUST_PROXY === 'true' ? true : list(v.MESA_TRUST_PROXY).length ? list(v.MESA_TRUST_PROXY) : false,
    webhookAllow: list(v.MESA_WEBHOOK_ALLOW),
    acta: Object.freeze({ p12: v.MESA_ACTA_P12, password: v.MESA_ACTA_P12_PASSWORD }),
    documents: Object.freeze({ maxBytes: v.MESA_ATTACHMENT_MAX_BYTES, scanCommand: v.MESA_VIRUS_SCAN_COMMAND ?? null, dir: join(v.MESA_DATA_DIR, 'documentos'), s3 }),
    sessions: Object.freeze({
      notice,
      rules: { ...sessionDefaults, quorum: v.MESA_SESSION_QUORUM, secondCallQuorum: v.MESA_SESSION_SECOND_CALL_QUORUM, secondCallWait: v.MESA_SESSION_SECOND_CALL_WAIT },
    }),
  });
}

/** The S3-compatible store, when MESA_S3_ENDPOINT is given: then its bucket and keys are required too. */
function s3Of(v: Static<typeof Env>): S3Settings | null {
  const given = (['MESA_S3_BUCKET', 'MESA_S3_ACCESS_KEY_ID', 'MESA_S3_SECRET_ACCESS_KEY'] as const).filter((n) => v[n]);
  if (!v.MESA_S3_ENDPOINT) {
    if (given[0]) throw new ConfigError(`Configuración inválida: «${given[0]}» no sirve sin «MESA_S3_ENDPOINT», la dirección del almacén S3.`);
    return null;
  }
  const missing = (['MESA_S3_BUCKET', 'MESA_S3_ACCESS_KEY_ID', 'MESA_S3_SECRET_ACCESS_KEY'] as const).filter((n) => !v[n]);
  if (missing[0]) throw new ConfigError(`Configuración inválida: con «MESA_S3_ENDPOINT» hace falta también «${missing[0]}».`);
  return Object.freeze({
    endpoint: v.MESA_S3_ENDPOINT, bucket: v.MESA_S3_BUCKET!, region: v.MESA_S3_REGION,
    accessKeyId: v.MESA_S3_ACCESS_KEY_ID!, secretAccessKey: v.MESA_S3_SECRET_ACCESS_KEY!, prefix: v.MESA_S3_PREFIX,
  });
}

/** MESA_SESSION_NOTICE: a deadline expression in JSON ({"workingDays": 5}) or an ISO 8601 duration (P5D, PT0S). */
function noticeSetting(text: string): NoticeExpression {
  let value: unknown = text;
  if (text.trim().startsWith('{')) {
    try {
      value = JSON.parse(text);
    } catch {
      value = null;
    }
  }
  const problem = noticeProblem('MESA_SESSION_NOTICE', value);
  if (problem) throw new ConfigError(`Configuración inválida: la variable «MESA_SESSION_NOTICE» no es válida: ${problem}`);
  return value as NoticeExpression;
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

const ClusterEnv = Type.Object({
  MESA_CLUSTER_DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://', default: 'postgres://postgres@127.0.0.1:5432/postgres', description: 'PostgreSQL donde «npm run cluster» crea (si faltan) y migra las bases de Temporal y de Mesa; su usuario debe poder crear bases de datos.' }),
  MESA_CLUSTER_DB_PREFIX: Type.String({ pattern: '^[a-z_][a-z0-9_]*$|^$', default: '', description: 'Prefijo de los nombres de las tres bases: <prefijo>temporal, <prefijo>temporal_visibility y <prefijo>mesa.' }),
  MESA_CLUSTER_DIR: Type.String({ minLength: 1, default: join('data', 'cluster'), description: 'Carpeta del clúster local: claves, registros de cada proceso, sellos de auditoría.' }),
  PORT: Type.Integer({ minimum: 1, maximum: 65533, default: 3000, description: 'Puerto del balanceador; las API escuchan en los siguientes (PORT+1, PORT+2…).' }),
  TEMPORAL_PORT_BASE: Type.Integer({ minimum: 400, maximum: 65520, default: 7233, description: 'Puerto del frontend de Temporal; los demás servicios usan los siguientes (deploy/temporal/mesa.yaml).' }),
  MESA_CLUSTER_APIS: Type.Integer({ minimum: 1, maximum: 8, default: 2, description: 'Procesos de la API detrás del balanceador.' }),
  MESA_CLUSTER_WORKERS: Type.Integer({ minimum: 1, maximum: 8, default: 2, description: 'Procesos worker de Mesa.' }),
  TEMPORAL_SERVER_DIR: Type.Optional(Type.String({ minLength: 1, description: 'Carpeta con temporal-server, temporal-sql-tool y schema/postgresql/v12 ya instalados.' })),
  HAPROXY_PATH: Type.String({ minLength: 1, default: 'haproxy', description: 'El balanceador (haproxy de Debian: apt-get install haproxy).' }),
  TEMPORAL_SERVER_TLS_CERT: Type.Optional(Type.String({ minLength: 1, description: 'Certificado (PEM) de los servicios de Temporal: con él, TLS mutuo entre ellos y en el frontend.' })),
  TEMPORAL_SERVER_TLS_KEY: Type.Optional(Type.String({ minLength: 1, description: 'Su clave privada (PEM).' })),
  TEMPORAL_SERVER_TLS_CA: Type.Optional(Type.String({ minLength: 1, description: 'La autoridad (PEM) que firma los certificados de servicios y clientes.' })),
  TEMPORAL_SERVER_TLS_NAME: Type.String({ minLength: 1, default: 'temporal', description: 'Nombre (SAN) del certificado de los servicios.' }),
});

export interface ClusterConfig {
  adminUrl: string;
  databases: { temporal: string; visibility: string; mesa: string };
  dir: string;
  balancerPort: number;
  temporalPortBase: number;
  apis: number;
  workers: number;
  serverDir: string | undefined;
  haproxy: string;
  /** Mutual TLS of the Temporal services, when a certificate is given. */
  tls: { cert: string; key: string; ca: string; name: string } | null;
}

/** `npm run cluster`: where the local cluster lives; the Mesa's own settings still come from loadConfig. */
export function loadClusterConfig(env: NodeJS.ProcessEnv = process.env): ClusterConfig {
  const raw = Object.fromEntries(Object.keys(ClusterEnv.properties).flatMap((k) => (env[k] ? [[k, env[k]]] : [])));
  const v = Value.Default(ClusterEnv, Value.Convert(ClusterEnv, raw)) as Static<typeof ClusterEnv>;
  const errors = [...Value.Errors(ClusterEnv, v)] as SchemaError[];
  if (errors[0]) throw new ConfigError(`Configuración inválida: ${describeSchemaError(errors[0], 'La variable')}`);
  const tlsNames = ['TEMPORAL_SERVER_TLS_CERT', 'TEMPORAL_SERVER_TLS_KEY', 'TEMPORAL_SERVER_TLS_CA'] as const;
  const given = tlsNames.filter((n) => v[n]);
  if (given.length && given.length < tlsNames.length) {
    throw new ConfigError(`Configuración inválida: con «${given[0]}» hacen falta también ${tlsNames.filter((n) => !v[n]).map((n) => `«${n}»`).join(' y ')}.`);
  }
  for (const name of given) {
    if (!existsSync(v[name]!)) throw new ConfigError(`Configuración inválida: el archivo de la variable «${name}» («${v[name]}») no existe.`);
  }
  const p = v.MESA_CLUSTER_DB_PREFIX;
  return Object.freeze({
    adminUrl: v.MESA_CLUSTER_DATABASE_URL,
    databases: Object.freeze({ temporal: `${p}temporal`, visibility: `${p}temporal_visibility`, mesa: `${p}mesa` }),
    dir: v.MESA_CLUSTER_DIR,
    balancerPort: v.PORT,
    temporalPortBase: v.TEMPORAL_PORT_BASE,
    apis: v.MESA_CLUSTER_APIS,
    workers: v.MESA_CLUSTER_WORKERS,
    serverDir: v.TEMPORAL_SERVER_DIR,
    haproxy: v.HAPROXY_PATH,
    tls: given.length ? Object.freeze({ cert: v.TEMPORAL_SERVER_TLS_CERT!, key: v.TEMPORAL_SERVER_TLS_KEY!, ca: v.TEMPORAL_SERVER_TLS_CA!, name: v.TEMPORAL_SERVER_TLS_NAME }) : null,
  });
}
