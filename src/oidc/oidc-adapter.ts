import type { Kysely } from 'kysely';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { ApplicationStore } from '../applications/application-store.ts';
import type { Application, Database } from '../storage/schema.ts';

// oidc-provider's storage, over one table for every model. Each row carries the account it was issued
// to, so ending an account's access (R18, SE5) is one indexed delete (accounts/end-account-access.ts).
// Clients are not stored here: they are the directory's app registrations, read on each look-up so an
// edit in the portal applies at the next request on every instance.

/** The client metadata oidc-provider sees for an application of this directory. */
export function clientMetadataOf(application: Application): AdapterPayload {
  const common = {
    client_id: application.client_id,
    client_name: application.display_name,
    redirect_uris: application.redirect_uris,
    post_logout_redirect_uris: application.post_logout_redirect_uris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code' as const],
  };
  if (application.client_type === 'public') return { ...common, token_endpoint_auth_method: 'none' };
  // The stored value is the secret's SHA-256; the provider compares presented secrets through
  // compareClientSecret, which Latchkey replaces so it hashes first (see oidc-provider-factory.ts).
  return { ...common, token_endpoint_auth_method: 'client_secret_basic', client_secret: application.secret_hash ?? '' };
}

/**
 * Ids, codes and tokens come straight from requests the provider parsed itself. PostgreSQL refuses NUL
 * in text with an error, and such a value can match no stored row anyway: it is simply not found.
 */
const unstorable = (value: string) => value.includes('\u0000');

export function createAdapterClass(db: Kysely<Database>, directoryId: string, applications: ApplicationStore) {
  return class LatchkeyAdapter implements Adapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const row = {
        model: this.model,
        id,
        directory_id: directoryId,
        payload: payload as Record<string, unknown>,
        grant_id: payload.grantId ?? null,
        uid: payload.uid ?? null,
        user_code: payload.userCode ?? null,
        account_id: typeof payload.accountId === 'string' && /^[0-9a-f-]{36}$/.test(payload.accountId) ? payload.accountId : null,
        expires_at: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
      };
      await db
        .insertInto('oidc_payloads')
        .values(row)
        .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet({ payload: row.payload, grant_id: row.grant_id, uid: row.uid, user_code: row.user_code, account_id: row.account_id, expires_at: row.expires_at }))
        .execute();
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (unstorable(id)) return undefined;
      if (this.model === 'Client') {
        const application = await applications.findByClientId(id);
        return application && application.directory_id === directoryId ? clientMetadataOf(application) : undefined;
      }
      return this.findWhere('id', id);
    }

    findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.findWhere('uid', uid);
    }

    findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.findWhere('user_code', userCode);
    }

    private async findWhere(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
      if (unstorable(value)) return undefined;
      const row = await db
        .selectFrom('oidc_payloads')
        .select(['payload', 'consumed_at', 'expires_at'])
        .where('model', '=', this.model)
        .where('directory_id', '=', directoryId)
        .where(column, '=', value)
        .executeTakeFirst();
      if (!row || (row.expires_at && row.expires_at.getTime() <= Date.now())) return undefined;
      return { ...(row.payload as AdapterPayload), ...(row.consumed_at ? { consumed: Math.floor(row.consumed_at.getTime() / 1000) } : {}) };
    }

    async consume(id: string): Promise<void> {
      await db.updateTable('oidc_payloads').set({ consumed_at: new Date() }).where('model', '=', this.model).where('id', '=', id).execute();
    }

    async destroy(id: string): Promise<void> {
      await db.deleteFrom('oidc_payloads').where('model', '=', this.model).where('id', '=', id).execute();
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.deleteFrom('oidc_payloads').where('directory_id', '=', directoryId).where('grant_id', '=', grantId).execute();
    }
  };
}
