import type { Kysely } from 'kysely';
import type { PasswordHasher } from '../accounts/password-hasher.ts';
import type { Database } from '../storage/schema.ts';
import { anyAdminExists, insertAdmin, lockFirstAdminDecision, prepareAdmin } from './admin-store.ts';
import { consumeSetupToken, isSetupTokenUsable } from './setup-token-store.ts';

// The setup link's one action: turn a live token into the first administrator. The token is used up
// in the same transaction that creates the administrator, so a failure leaves the link usable.

export type SetupResult =
  | { ok: true; adminId: string }
  | { ok: false; reason: 'link' }
  | { ok: false; reason: 'form'; message: string };

export interface SetupInput {
  readonly token: string;
  readonly email: string;
  readonly password: string;
  readonly confirm: string;
}

export async function completeSetup(db: Kysely<Database>, hasher: PasswordHasher, input: SetupInput): Promise<SetupResult> {
  if (!(await isSetupTokenUsable(db, input.token))) return { ok: false, reason: 'link' };
  const prepared = await prepareAdmin(hasher, input.email, input.password, input.confirm);
  if (!prepared.ok) return { ok: false, reason: 'form', message: prepared.message };

  return await db.transaction().execute(async (trx): Promise<SetupResult> => {
    await lockFirstAdminDecision(trx);
    if (await anyAdminExists(trx)) return { ok: false, reason: 'link' };
    if (!(await consumeSetupToken(trx, input.token))) return { ok: false, reason: 'link' };
    const created = await insertAdmin(trx, prepared.admin, 'setup_link');
    // No administrator exists inside this lock, so a duplicate cannot happen; fail loudly if it does.
    if (!created.ok) throw new Error(`setup could not create the administrator: ${created.reason}`);
    return { ok: true, adminId: created.id };
  });
}
