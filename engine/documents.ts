// Where the bytes of attached documents live, and the virus scan they pass before being kept.
// Content-addressed: a file is named by its SHA-256, so storing it again (a retried upload, the
// same file attached twice) changes nothing, and what is read back can be checked against its name.
// Two stores behind one interface: a folder (the embedded default, in the data folder) and an
// S3-compatible bucket (MESA_S3_*), signed with AWS Signature V4 over plain fetch.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** What every store of documents does. */
export interface DocumentStore {
  /** Keeps the bytes under their SHA-256; keeping what is already kept does nothing. */
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  /** The bytes kept under that SHA-256, or null when there are none. */
  get(sha256: string): Promise<Buffer | null>;
  /** Where, for the start-up message and the logs. */
  describe(): string;
}

const isSha256 = (text: string) => /^[0-9a-f]{64}$/.test(text);

function checked(sha256: string): string {
  if (!isSha256(sha256)) throw new Error(`«${sha256}» no es un SHA-256.`);
  return sha256;
}

/** A folder: <dir>/ab/abcdef…, written to a temporary name and renamed, so a half-written file is never seen. */
export function folderStore(dir: string): DocumentStore {
  const pathOf = (sha256: string) => join(dir, checked(sha256).slice(0, 2), sha256);
  return {
    async put(sha256, bytes) {
      const path = pathOf(sha256);
      if (await stat(path).then((s) => s.size === bytes.length, () => false)) return;
      await mkdir(join(dir, sha256.slice(0, 2)), { recursive: true });
      const temporary = `${path}.${randomBytes(6).toString('hex')}.part`;
      await writeFile(temporary, bytes, { flag: 'wx' });
      await rename(temporary, path);
    },
    async get(sha256) {
      return readFile(pathOf(sha256)).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return null;
        throw e;
      });
    },
    describe: () => dir,
  };
}

export interface S3Settings {
  /** https://s3.example.gob.pe or http://127.0.0.1:9000: path-style addresses, as every S3-compatible server accepts. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Objects are kept under this prefix (e.g. "documentos/"). */
  prefix: string;
}

const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text).digest();
const encodePath = (path: string) => path.split('/').map((p) => encodeURIComponent(p)).join('/');

/**
 * The headers of an AWS Signature V4 request (service s3), the body's hash sent in
 * x-amz-content-sha256. Exported for its test: the signature of AWS's documented example.
 */
export function signS3Request(s: Pick<S3Settings, 'region' | 'accessKeyId' | 'secretAccessKey'>, method: string, url: URL, payloadSha256: string, now: Date, extra: Record<string, string> = {}): Record<string, string> {
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = { host: url.host, 'x-amz-content-sha256': payloadSha256, 'x-amz-date': amzDate, ...extra };
  const names = Object.keys(headers).map((h) => h.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  const query = [...url.searchParams].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const canonical = [method, url.pathname, query, ...names.map((n) => `${n}:${lower[n]}`), '', names.join(';'), payloadSha256].join('\n');
  const scope = `${day}/${s.region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${s.secretAccessKey}`, day), s.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  const { host: _host, ...rest } = headers;
  return { ...rest, authorization: `AWS4-HMAC-SHA256 Credential=${s.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}

/** An S3-compatible bucket (AWS S3, MinIO, Ceph, Garage…). */
export function s3Store(s: S3Settings, fetchFn: typeof fetch = fetch): DocumentStore {
  const urlOf = (sha256: string) => new URL(`${s.endpoint.replace(/\/+$/, '')}/${encodePath(s.bucket)}/${encodePath(`${s.prefix}${checked(sha256)}`)}`);
  const emptySha = sha256Hex(new Uint8Array());
  const send = (method: string, url: URL, body?: Uint8Array, payloadSha = emptySha) =>
    fetchFn(url, { method, headers: signS3Request(s, method, url, payloadSha, new Date()), ...(body ? { body } : {}) });
  return {
    async put(sha256, bytes) {
      const url = urlOf(sha256);
      const head = await send('HEAD', url);
      if (head.ok) return;
      const res = await send('PUT', url, bytes, sha256);
      if (!res.ok) throw new Error(`El almacén S3 rechazó guardar el documento (${res.status}): ${(await res.text()).slice(0, 200)}`);
    },
    async get(sha256) {
      const res = await send('GET', urlOf(sha256));
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`El almacén S3 no entregó el documento (${res.status}).`);
      return Buffer.from(await res.arrayBuffer());
    },
    describe: () => `${s.endpoint.replace(/\/+$/, '')}/${s.bucket}/${s.prefix}`,
  };
}

export type ScanResult = 'limpio' | 'infectado';

/**
 * Runs the configured scanner (MESA_VIRUS_SCAN_COMMAND) on the file: its words are the program
 * and its first arguments, the file's path is the last one. Exit 0 is clean and 1 infected, as
 * clamscan and clamdscan answer; anything else (the scanner missing, failing, too slow) is an
 * error: a file no one could scan is not accepted.
 */
export async function scanDocument(command: string, bytes: Uint8Array, timeoutMs = 60_000): Promise<ScanResult> {
  const [program, ...args] = command.trim().split(/\s+/);
  const dir = join(tmpdir(), `mesa-escaneo-${randomBytes(8).toString('hex')}`);
  await mkdir(dir, { mode: 0o700 });
  const file = join(dir, 'documento');
  try {
    await writeFile(file, bytes, { mode: 0o600 });
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(program!, [...args, file], { stdio: 'ignore', timeout: timeoutMs });
      child.on('error', reject);
      child.on('exit', (c) => resolve(c));
    });
    if (code === 0) return 'limpio';
    if (code === 1) return 'infectado';
    throw new Error(`El antivirus terminó con el código ${code}.`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What the HTTP service is given to accept documents (AppDeps.documents). */
export interface DocumentSettings {
  store: DocumentStore;
  /** MESA_ATTACHMENT_MAX_BYTES. */
  maxBytes: number;
  /** MESA_VIRUS_SCAN_COMMAND; none means files are not scanned. */
  scanCommand: string | null;
}
