// The key that signs approved actas (activities/acta-signer.ts): a PKCS#12 file from
// configuration (MESA_ACTA_P12 and its passphrase MESA_ACTA_P12_PASSWORD). The embedded default
// generates one into its data folder on the first start (a self-signed certificate of the
// Secretaría Técnica, owner-only files) and reads it on every later one.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newSigningP12, p12Signer, type ActaSigner } from '../activities/acta-signer';
import { ConfigError, type Config } from './config';

export const actaKeyFile = 'firma-actas.p12';
export const actaPassFile = 'firma-actas.clave';

function fromFile(path: string, passphrase: string): ActaSigner {
  try {
    return p12Signer(readFileSync(path), passphrase);
  } catch (e) {
    throw new ConfigError(`Configuración inválida: «${path}» (MESA_ACTA_P12) no es un PKCS#12 con clave y certificado que abra la contraseña dada: ${(e as Error).message}`);
  }
}

/** The signer from configuration; in the embedded mode, the data folder's own. Null when none is configured. */
export function actaSignerFor(config: Config, dataDir?: string): ActaSigner | null {
  if (config.acta.p12) return fromFile(config.acta.p12, config.acta.password ?? '');
  if (!dataDir) return null;
  const path = join(dataDir, actaKeyFile);
  const passPath = join(dataDir, actaPassFile);
  try {
    const passphrase = randomBytes(24).toString('base64url');
    writeFileSync(passPath, `${passphrase}\n`, { flag: 'wx', mode: 0o600 });
    writeFileSync(path, newSigningP12('Secretaría Técnica de la MTIGM (firma de prueba del modo embebido)', passphrase), { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return fromFile(path, readFileSync(passPath, 'utf8').trim());
}
