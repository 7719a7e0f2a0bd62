import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * The key behind every keyed hash (codes, identifier throttles, wrong-password fingerprints). Taken from
 * LATCHKEY_SECRET when set; otherwise made once and kept in the database, so every instance on the same
 * database shares it without configuration.
 */
export async function loadInstanceKey(db: Kysely<Database>, configured: string | undefined): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'utf8');
  await db
    .insertInto('instance_secrets')
    .values({ name: 'hmac_key', value: randomBytes(32).toString('base64') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('instance_secrets').select('value').where('name', '=', 'hmac_key').executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'base64');
}
