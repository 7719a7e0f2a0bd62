import type { Kysely } from 'kysely';
import type { PasswordHasher } from '../accounts/password-hasher.ts';
import type { Database } from '../storage/schema.ts';

export type CreateAdminResult = { ok: true; id: string } | { ok: false; message: string };

export async function createAdmin(db: Kysely<Database>, hasher: PasswordHasher, email: string, password: string): Promise<CreateAdminResult> {
  void db; void hasher; void email; void password;
  return { ok: false, message: 'not implemented' };
}
