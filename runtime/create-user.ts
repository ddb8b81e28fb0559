// `npm run user -- <email> <institution code> "<name>" [--admin]`: creates a user (or resets the
// password of an existing one) in production, where no demo users exist. The password comes
// from MESA_USER_PASSWORD, or one is generated and printed once.
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { hashPassword } from '../api/auth';
import { institutionId } from '../db/registry';
import { institutions } from '../db/schema';
import { upsertUser } from '../db/users';
import { normalizeText, textLimits, textProblem } from '../domain/text';
import { openMesaDatabase } from './boot';
import { loadConfig } from './config';

const args = process.argv.slice(2).filter((a) => a !== '--admin');
const [email, code, given] = args;
if (!email || !code || !given || !email.includes('@')) {
  console.error('Uso: npm run user -- <correo> <código de institución> "<nombre>" [--admin]');
  process.exit(2);
}
// The name is stored and shown like every other text: the same rule (domain/text.ts).
const name = normalizeText(given);
const problem = textProblem(name, { kind: 'line', max: textLimits.name, required: true }) ?? textProblem(email, { kind: 'line', max: 254, required: true });
if (problem) {
  console.error(`El nombre o el correo no son válidos: ${problem}.`);
  process.exit(2);
}
const config = loadConfig('production');
const database = await openMesaDatabase({ url: config.databaseUrl! }, 'leave');
try {
  const [institution] = await database.db.select().from(institutions).where(eq(institutions.code, code.toUpperCase()));
  if (!institution) throw new Error(`No existe la institución «${code}». Vea GET /api/v1/institutions.`);
  const generated = config.userPassword ? null : randomBytes(12).toString('base64url');
  await upsertUser(database.db, {
    id: `user_${randomBytes(9).toString('hex')}`, email, name, institutionId: institutionId(institution.code),
    passwordHash: await hashPassword(config.userPassword ?? generated!), admin: process.argv.includes('--admin'),
  });
  console.log(`Usuario ${email.toLowerCase()} listo (${institution.code}, ${institution.kind}).`);
  if (generated) console.log(`Contraseña: ${generated}  — entréguela por un canal seguro; no se volverá a mostrar.`);
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 1;
} finally {
  await database.close();
}
