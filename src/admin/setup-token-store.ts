import type { Kysely } from 'kysely';
import { randomToken, sha256 } from '../domain/secrets.ts';
import type { Database } from '../storage/schema.ts';

// One-time links that let the first administrator be created from a browser. Only the SHA-256 of a
// token is stored; at most one link is alive at a time, and it dies after an hour or on first use.

export const SETUP_TOKEN_SECONDS = 3600;

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Replaces every earlier link with a new one and returns its token. Call inside the first-admin lock. */
export async function issueSetupToken(trx: Kysely<Database>): Promise<string> {
  const token = randomToken();
  await trx.deleteFrom('admin_setup_tokens').execute();
  await trx
    .insertInto('admin_setup_tokens')
    .values({ token_hash: sha256(token), expires_at: new Date(Date.now() + SETUP_TOKEN_SECONDS * 1000) })
    .execute();
  return token;
}

/** Whether a link may show its form: the token is live and no administrator exists yet. */
export async function isSetupTokenUsable(db: Kysely<Database>, token: unknown): Promise<boolean> {
  if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return false;
  const row = await db
    .selectFrom('admin_setup_tokens')
    .select('token_hash')
    .where('token_hash', '=', sha256(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .where((eb) => eb.not(eb.exists(eb.selectFrom('admins').select('id'))))
    .executeTakeFirst();
  return row !== undefined;
}

/** Uses a token up; a single conditional UPDATE, so of two simultaneous submissions only one wins. */
export async function consumeSetupToken(trx: Kysely<Database>, token: string): Promise<boolean> {
  if (!TOKEN_SHAPE.test(token)) return false;
  const row = await trx
    .updateTable('admin_setup_tokens')
    .set({ used_at: new Date() })
    .where('token_hash', '=', sha256(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning('token_hash')
    .executeTakeFirst();
  return row !== undefined;
}
