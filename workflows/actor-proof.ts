// Who acts, proven. Temporal is reachable without the API, so a workflow cannot believe the
// `actor` an update names: the API signs every update it sends (Ed25519, its private key) and each
// workflow checks the signature with the public key before the update's own validator runs.
//
// The signature covers the workflow, the update's name and id, an expiry and the whole argument
// (actor included): it cannot be moved to another proposal, task or action, nor reused after it
// expires, nor kept while the actor or the text is changed. A signature is public (it is kept in
// the workflow's history), so only a public key is needed here: pure JavaScript, deterministic,
// no Node crypto. Validators do not run on replay, so none of this affects recorded histories.
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

ed.hashes.sha512 = sha512;

/** The update header that carries the proof. */
export const actorProofHeader = 'mesa-actor-proof';

/** How long a signature stays valid after the API signs it (workflow time). */
export const actorProofLifetimeMs = 120_000;

export interface ActorProof {
  /** ISO instant after which the workflow refuses the update. */
  expiresAt: string;
  /** Ed25519 signature of `actorProofMessage`, hex. */
  signature: string;
}

export interface SignedUpdate {
  workflowId: string;
  updateName: string;
  updateId: string;
  expiresAt: string;
  args: unknown[];
}

/**
 * The bytes both sides sign and verify. Arguments travel as JSON, so the JSON the API serialises
 * is the JSON the workflow serialises again from what it received (same keys, same order).
 */
export function actorProofMessage(u: SignedUpdate): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(['mesa-actor/1', u.workflowId, u.updateName, u.updateId, u.expiresAt, u.args]));
}

const hexPattern = /^(?:[0-9a-f]{2})+$/;

export function fromHex(hex: string): Uint8Array {
  if (!hexPattern.test(hex)) throw new TypeError('not hex');
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

export const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

const isProof = (p: unknown): p is ActorProof => typeof p === 'object' && p !== null
  && typeof (p as ActorProof).expiresAt === 'string' && typeof (p as ActorProof).signature === 'string';

/**
 * Why the update must be refused, in the user's words, or null when the proof holds.
 * `publicKey` is the hex Ed25519 key the worker serves; `now` the workflow's time.
 */
export function actorProofRefusal(publicKey: string | undefined, proof: unknown, update: Omit<SignedUpdate, 'expiresAt'>, now: number): string | null {
  if (!publicKey) {
    return 'Acción rechazada: el worker no tiene la clave pública de Mesa (MESA_ACTOR_KEY o MESA_ACTOR_PUBLIC_KEY) y no puede comprobar quién actúa.';
  }
  if (!isProof(proof)) {
    return 'Acción rechazada: no viene firmada por la API de Mesa. Las acciones se hacen a través de Mesa, con una sesión iniciada.';
  }
  let valid = false;
  try {
    valid = ed.verify(fromHex(proof.signature), actorProofMessage({ ...update, expiresAt: proof.expiresAt }), fromHex(publicKey), { zip215: false });
  } catch {
    valid = false;
  }
  if (!valid) {
    return 'Acción rechazada: la firma de quién actúa no corresponde a esta acción (firma inválida, de otra propuesta, tarea o acción, o con datos cambiados).';
  }
  const expiresAt = Date.parse(proof.expiresAt);
  if (!(expiresAt >= now)) return 'Acción rechazada: la firma de quién actúa venció. Repita la acción desde Mesa.';
  return null;
}
