// The embedded default keeps its audit key in the data folder, generated on the first start and
// read on every later one (owner-only file). It protects the trail against whoever reaches the
// database alone (SQL, a dump restored elsewhere); whoever holds the whole data folder holds the
// key too, which is why production takes MESA_AUDIT_KEY from its environment instead.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config';

export const auditKeyFile = 'clave-auditoria';

export function embeddedAuditKey(dataDir: string): string {
  const path = join(dataDir, auditKeyFile);
  try {
    writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const key = readFileSync(path, 'utf8').trim();
  if (key.length < 32) throw new ConfigError(`La clave de auditoría en «${path}» es demasiado corta (32 caracteres o más): restáurela desde su copia de seguridad.`);
  return key;
}
