import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';

// Everything that lets an account in without its password: Latchkey's own sessions and every OpenID
// Connect artefact issued to any application (sessions, grants, access, refresh and authorization
// codes). Called inside the transaction of the change that requires it — a new password (R18), a block
// (SE5, R22) — so no token outlives the change by a single request.

export async function endAccountAccess(
  trx: Kysely<Database>,
  accountId: string,
  options: { readonly keepSessionIdHash?: string } = {},
): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  let revoke = trx.updateTable('sessions').set({ revoked_at: new Date() }).where('account_id', '=', accountId).where('revoked_at', 'is', null);
  if (options.keepSessionIdHash) revoke = revoke.where('id_hash', '!=', options.keepSessionIdHash);
  const sessions = await revoke.executeTakeFirst();
  // The OIDC adapter stores the account id beside each payload, so this is an index lookup.
  const tokens = await trx.deleteFrom('oidc_payloads').where('account_id', '=', accountId).executeTakeFirst();
  return { sessionsEnded: Number(sessions.numUpdatedRows), tokensRevoked: Number(tokens.numDeletedRows) };
}
