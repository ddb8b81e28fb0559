// The proof of who acts (workflows/actor-proof.ts), signed as the API signs it and checked as the
// workflows check it, and the keys it is made with.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signActorProof } from '../api/actor-signing';
import { newActorKeyPem, parseActorPrivateKey, parseActorPublicKey } from '../runtime/actor-key';
import { ConfigError, loadConfig, requireActorPublicKey, requireActorSigningKey } from '../runtime/config';
import { withActorPublicKey } from '../runtime/worker';
import { actorProofRefusal, type SignedUpdate } from '../workflows/actor-proof';

const keys = parseActorPrivateKey(newActorKeyPem());
const now = Date.parse('2026-11-29T12:00:00Z');
const update: SignedUpdate = {
  workflowId: 'proposal-p1', updateName: 'comment', updateId: 'u-1', expiresAt: new Date(now + 60_000).toISOString(),
  args: [{ actor: { userId: 'user-1', institution: 'MIDIS', kind: 'miembro' }, text: 'Conforme con el párrafo 2.\n\tñ' }],
};
const proof = signActorProof(keys.privateKey!, update);
const check = (u: Partial<SignedUpdate>, p: unknown = proof, at = now, publicKey: string | undefined = keys.publicKey) => {
  const { expiresAt: _, ...rest } = { ...update, ...u };
  return actorProofRefusal(publicKey, p, rest, at);
};

describe('the proof of who acts', () => {
  it('holds for exactly the update the API signed, until it expires', () => {
    expect(check({})).toBeNull();
    // What travels as JSON comes back in the same form: the workflow sees the same bytes.
    expect(check({ args: JSON.parse(JSON.stringify(update.args)) })).toBeNull();
    expect(check({}, proof, now + 60_000)).toBeNull();
  });

  it.each([
    ['another workflow', { workflowId: 'proposal-p2' }],
    ['another action', { updateName: 'withdraw' }],
    ['another update id', { updateId: 'u-2' }],
    ['another institution', { args: [{ actor: { userId: 'user-1', institution: 'MINSA', kind: 'miembro' }, text: update.args[0] && (update.args[0] as { text: string }).text }] }],
    ['another kind of institution', { args: [{ actor: { userId: 'user-1', institution: 'MIDIS', kind: 'secretaria' }, text: (update.args[0] as { text: string }).text }] }],
    ['another text', { args: [{ actor: { userId: 'user-1', institution: 'MIDIS', kind: 'miembro' }, text: 'Otro texto.' }] }],
  ])('is refused for %s', (_, changed) => {
    expect(check(changed)).toMatch(/^Acción rechazada: la firma de quién actúa no corresponde a esta acción/);
  });

  it('is refused when missing, malformed, forged, expired, or when the worker has no key', () => {
    expect(check({}, null)).toMatch(/no viene firmada por la API de Mesa/);
    expect(check({}, { expiresAt: proof.expiresAt })).toMatch(/no viene firmada/);
    expect(check({}, { ...proof, signature: 'zz' })).toMatch(/no corresponde/);
    expect(check({}, { ...proof, signature: '' })).toMatch(/no corresponde/);
    const other = parseActorPrivateKey(newActorKeyPem());
    expect(check({}, signActorProof(other.privateKey!, update))).toMatch(/no corresponde/);
    // Pushing the expiry back breaks the signature; the signed expiry passes and is refused.
    expect(check({}, { ...proof, expiresAt: new Date(now + 3_600_000).toISOString() })).toMatch(/no corresponde/);
    expect(check({}, proof, now + 60_001)).toBe('Acción rechazada: la firma de quién actúa venció. Repita la acción desde Mesa.');
    expect(check({}, proof, now, '')).toMatch(/el worker no tiene la clave pública de Mesa/);
  });

  it('costs well under a millisecond per update, and stays small for the largest text', () => {
    const timed = (u: SignedUpdate, runs: number) => {
      const p = signActorProof(keys.privateKey!, u);
      const { expiresAt: _, ...rest } = u;
      const t0 = performance.now();
      for (let i = 0; i < runs; i++) expect(actorProofRefusal(keys.publicKey, p, rest, now)).toBeNull();
      return (performance.now() - t0) / runs;
    };
    timed(update, 20); // warm up
    const comment = timed(update, 200);
    const largest = timed({ ...update, args: [{ ...(update.args[0] as object), text: 'Párrafo de una versión larga. '.repeat(34_000) }] }, 5);
    console.log(`verificación de la firma: ${comment.toFixed(2)} ms por acción; ${largest.toFixed(1)} ms con un texto de 1 MB`);
    expect(comment).toBeLessThan(10);
    expect(largest).toBeLessThan(500);
  });
});

describe('the key', () => {
  const pem = newActorKeyPem();
  const raw = createPrivateKey(pem).export({ format: 'jwk' }).d!;
  const publicPem = createPublicKey(pem).export({ type: 'spki', format: 'pem' }) as string;
  const { publicKey } = parseActorPrivateKey(pem);

  it('is read as PEM, as 32 bytes in base64 or hex, with its public half derived or given alone', () => {
    expect(publicKey).toMatch(/^[0-9a-f]{64}$/);
    expect(parseActorPrivateKey(Buffer.from(raw, 'base64url').toString('base64')).publicKey).toBe(publicKey);
    expect(parseActorPrivateKey(Buffer.from(raw, 'base64url').toString('hex')).publicKey).toBe(publicKey);
    // One line in an environment file, with \n written out.
    expect(parseActorPrivateKey(pem.replace(/\n/g, '\\n')).publicKey).toBe(publicKey);
    expect(parseActorPublicKey(publicPem)).toEqual({ privateKey: null, publicKey });
    expect(parseActorPublicKey(publicKey).publicKey).toBe(publicKey);
  });

  it('is configured by MESA_ACTOR_KEY or MESA_ACTOR_PUBLIC_KEY, with a message naming the variable', () => {
    const production = { DATABASE_URL: 'postgres://db/mesa', TEMPORAL_ADDRESS: 'temporal:7233', MESA_AUDIT_KEY: 'k'.repeat(32) };
    expect(loadConfig('production', { ...production, MESA_ACTOR_KEY: pem }).actorKeys?.publicKey).toBe(publicKey);
    expect(requireActorPublicKey(loadConfig('production', { ...production, MESA_ACTOR_PUBLIC_KEY: publicPem }))).toBe(publicKey);
    expect(() => loadConfig('production', { ...production, MESA_ACTOR_KEY: 'secreto' })).toThrow('«MESA_ACTOR_KEY» debe ser una clave Ed25519');
    expect(() => loadConfig('production', { ...production, MESA_ACTOR_PUBLIC_KEY: 'abc' })).toThrow('«MESA_ACTOR_PUBLIC_KEY» debe ser una clave Ed25519');
    expect(() => loadConfig('production', { ...production, MESA_ACTOR_KEY: pem, MESA_ACTOR_PUBLIC_KEY: parseActorPrivateKey(newActorKeyPem()).publicKey }))
      .toThrow('«MESA_ACTOR_PUBLIC_KEY» no corresponde a «MESA_ACTOR_KEY»');
    const without = loadConfig('production', production);
    expect(() => requireActorSigningKey(without)).toThrow(ConfigError);
    expect(() => requireActorSigningKey(without)).toThrow('«MESA_ACTOR_KEY» es obligatoria para la API');
    expect(() => requireActorSigningKey(loadConfig('production', { ...production, MESA_ACTOR_PUBLIC_KEY: publicPem }))).toThrow('«MESA_ACTOR_KEY»');
    expect(() => requireActorPublicKey(without)).toThrow('el worker necesita «MESA_ACTOR_KEY» o «MESA_ACTOR_PUBLIC_KEY»');
  });

  it('reaches the workflows as a constant on the bundle’s first line only', () => {
    const code = 'line one\nline two';
    expect(withActorPublicKey(code, publicKey).split('\n')).toEqual([`globalThis.__mesaActorPublicKey = "${publicKey}"; line one`, 'line two']);
    expect(() => withActorPublicKey(code, '"; evil(); "')).toThrow();
  });
});

describe('Temporal behind mTLS', () => {
  it('gives the API’s client and the worker’s connection the client certificate from TEMPORAL_TLS_*', () => {
    const c = loadConfig('production', {
      DATABASE_URL: 'postgres://db/mesa', TEMPORAL_ADDRESS: 'temporal.mesa.internal:7233', MESA_AUDIT_KEY: 'k'.repeat(32),
      TEMPORAL_TLS_CLIENT_CERT_DATA: 'certificado', TEMPORAL_TLS_CLIENT_KEY_DATA: 'clave', TEMPORAL_TLS_SERVER_CA_CERT_DATA: 'autoridad',
      TEMPORAL_TLS_SERVER_NAME: 'temporal.mesa.internal',
    });
    // runtime/boot.ts hands these same options to Connection.connect and NativeConnection.connect.
    const tls = c.temporal.connect.connectionOptions.tls as { serverNameOverride: string; serverRootCACertificate: Uint8Array; clientCertPair: { crt: Uint8Array; key: Uint8Array } };
    expect(tls.serverNameOverride).toBe('temporal.mesa.internal');
    expect(Buffer.from(tls.clientCertPair.crt).toString()).toBe('certificado');
    expect(Buffer.from(tls.clientCertPair.key).toString()).toBe('clave');
    expect(Buffer.from(tls.serverRootCACertificate).toString()).toBe('autoridad');
  });
});
