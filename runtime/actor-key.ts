// The key that proves who acts (workflows/actor-proof.ts): an Ed25519 key pair. The API signs with
// the private key; workers only need the public one, which they place in the workflow bundle.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '../workflows/actor-proof';

export interface ActorKeys {
  /** Signs (API); absent where only the public key was given (a worker). */
  privateKey: KeyObject | null;
  /** Raw Ed25519 public key, hex, as the workflows read it. */
  publicKey: string;
}

// DER prefixes of a bare 32-byte Ed25519 key as PKCS8 (private) and SPKI (public).
const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');

const rawBytes = (text: string): Buffer | null => {
  const t = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(t) ? Buffer.from(t, 'base64') : null;
  return bytes?.length === 32 ? bytes : null;
};

const rawPublic = (key: KeyObject) => toHex(key.export({ type: 'spki', format: 'der' }).subarray(spkiPrefix.length));

/** An Ed25519 key given as PEM or as 32 raw bytes (hex or base64), the raw ones wrapped in the DER prefix of its kind. */
function parseKey(text: string, kind: { prefix: Buffer; create: (input: { key: Buffer | string; format: 'der' | 'pem' }) => KeyObject }): KeyObject {
  const raw = rawBytes(text);
  const key = raw
    ? kind.create({ key: Buffer.concat([kind.prefix, raw]), format: 'der' })
    : kind.create({ key: text.replace(/\\n/g, '\n'), format: 'pem' });
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('no es una clave Ed25519');
  return key;
}

/** A private key given as PKCS8 PEM or as 32 raw bytes (hex or base64); throws when it is neither. */
export function parseActorPrivateKey(text: string): ActorKeys {
  const privateKey = parseKey(text, { prefix: pkcs8Prefix, create: (input) => createPrivateKey({ ...input, type: 'pkcs8' }) });
  return { privateKey, publicKey: rawPublic(createPublicKey(privateKey)) };
}

/** A public key given as SPKI PEM or as 32 raw bytes (hex or base64). */
export function parseActorPublicKey(text: string): ActorKeys {
  return { privateKey: null, publicKey: rawPublic(parseKey(text, { prefix: spkiPrefix, create: (input) => createPublicKey({ ...input, type: 'spki' }) })) };
}

/** A new key pair, its private key as PKCS8 PEM. */
export function newActorKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}

/**
 * The embedded mode's key: kept in the data folder (readable by its owner only), created on the
 * first start, so signatures survive a restart.
 */
export function actorKeyInDataDir(dataDir: string): ActorKeys {
  const file = join(dataDir, 'clave-actor.pem');
  if (!existsSync(file)) writeFileSync(file, newActorKeyPem(), { mode: 0o600, flag: 'wx' });
  return parseActorPrivateKey(readFileSync(file, 'utf8'));
}
