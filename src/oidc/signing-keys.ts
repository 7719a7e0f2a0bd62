import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { JWK } from 'oidc-provider';
import type { Database } from '../storage/schema.ts';
import { openSecret, sealSecret } from '../storage/sealed-secret.ts';

// Each directory signs its tokens with its own RS256 key, kept in the database so every instance signs
// with the same one. The private half is sealed under the instance key. Rotation retires the current
// key (it stops signing) but keeps it in the JWKS until every token it signed has expired.

const PURPOSE = 'latchkey oidc signing key';
const ALGORITHM = 'RS256';

export interface SigningKeySet {
  /** The signing key first, then retired keys still published for verification. */
  readonly keys: JWK[];
  /** Changes whenever the set changes: what the provider cache compares. */
  readonly version: string;
}

function newKey(): { kid: string; privateJwk: JWK; publicJwk: JWK } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(12).toString('base64url');
  const meta = { kid, alg: ALGORITHM, use: 'sig' };
  return { kid, privateJwk: { ...privateKey.export({ format: 'jwk' }), ...meta } as JWK, publicJwk: { ...publicKey.export({ format: 'jwk' }), ...meta } as JWK };
}

async function insertKey(db: Kysely<Database>, instanceKey: Buffer, directoryId: string): Promise<void> {
  const { kid, privateJwk, publicJwk } = newKey();
  await db
    .insertInto('signing_keys')
    .values({ kid, directory_id: directoryId, algorithm: ALGORITHM, private_jwk_sealed: sealSecret(instanceKey, PURPOSE, JSON.stringify(privateJwk)), public_jwk: publicJwk as Record<string, unknown> })
    .execute();
}

export async function loadSigningKeys(db: Kysely<Database>, instanceKey: Buffer, directoryId: string): Promise<SigningKeySet> {
  const read = () =>
    db
      .selectFrom('signing_keys')
      .selectAll()
      .where('directory_id', '=', directoryId)
      .where((eb) => eb.or([eb('unpublish_after', 'is', null), eb('unpublish_after', '>', new Date())]))
      .orderBy('created_at', 'desc')
      .execute();
  let rows = await read();
  if (!rows.some((row) => row.retired_at === null)) {
    // First use: one instance creates the key; a transaction-scoped lock keeps two from racing.
    await db.transaction().execute(async (trx) => {
      await trx.selectFrom('directories').select('id').where('id', '=', directoryId).forUpdate().execute();
      const active = await trx.selectFrom('signing_keys').select('kid').where('directory_id', '=', directoryId).where('retired_at', 'is', null).executeTakeFirst();
      if (!active) await insertKey(trx, instanceKey, directoryId);
    });
    rows = await read();
  }
  const ordered = [...rows.filter((r) => r.retired_at === null), ...rows.filter((r) => r.retired_at !== null)];
  return {
    keys: ordered.map((row) => JSON.parse(openSecret(instanceKey, PURPOSE, row.private_jwk_sealed)) as JWK),
    version: ordered.map((row) => row.kid).join(','),
  };
}

/** Retires the current key, kept published for `publishSeconds` more, and makes a new one. */
export async function rotateSigningKey(db: Kysely<Database>, instanceKey: Buffer, directoryId: string, publishSeconds: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.selectFrom('directories').select('id').where('id', '=', directoryId).forUpdate().execute();
    await trx
      .updateTable('signing_keys')
      .set({ retired_at: new Date(), unpublish_after: new Date(Date.now() + publishSeconds * 1000) })
      .where('directory_id', '=', directoryId)
      .where('retired_at', 'is', null)
      .execute();
    await insertKey(trx, instanceKey, directoryId);
  });
}

export async function listSigningKeys(db: Kysely<Database>, directoryId: string) {
  return db
    .selectFrom('signing_keys')
    .select(['kid', 'algorithm', 'created_at', 'retired_at', 'unpublish_after'])
    .where('directory_id', '=', directoryId)
    .where((eb) => eb.or([eb('unpublish_after', 'is', null), eb('unpublish_after', '>', new Date())]))
    .orderBy('created_at', 'desc')
    .execute();
}
