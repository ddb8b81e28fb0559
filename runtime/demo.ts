// Demo users for the embedded mode: one per institution, `<code>@demo.mesa.test`, all with the
// password of MESA_DEMO_PASSWORD, and each institution's demo contacts (titular: that address;
// alterno: alterno.<address>). Created only on the embedded default (PGlite) or when
// MESA_DEMO_USERS asks for them; never in production mode.
import { hashPassword } from '../api/auth';
import type { Db } from '../db/client';
import { institutionId, type RegistrySeed } from '../db/registry';
import { ensureDemoContacts } from '../db/contacts';
import { lockDemoUserPasswords, upsertUser } from '../db/users';

export const demoEmail = (code: string) => `${code.toLowerCase()}@demo.mesa.test`;

export async function ensureDemoUsers(db: Db, seed: RegistrySeed, password: string): Promise<void> {
  // One hash serves every demo user: they share the password anyway, and scrypt is slow on purpose.
  const passwordHash = await hashPassword(password);
  for (const i of seed.institutions) {
    await upsertUser(db, {
      id: `user_demo_${i.code.toLowerCase()}`,
      email: demoEmail(i.code),
      name: `Usuario de demostración — ${i.code}`,
      institutionId: institutionId(i.code),
      passwordHash,
      admin: i.kind === 'secretaria',
      demo: true,
    });
  }
  await ensureDemoContacts(db, seed.institutions.map((i) => i.code), demoEmail);
}

/** Demo users left from an earlier start can no longer log in: their password is the public default. */
export async function lockDemoUsers(db: Db): Promise<void> {
  await lockDemoUserPasswords(db);
}
