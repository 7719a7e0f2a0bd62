import type { Kysely } from 'kysely';
import { constantTimeEqual, randomToken, sha256 } from '../domain/secrets.ts';
import type { Application, ClientType, Database } from '../storage/schema.ts';

// App registrations: the OpenID Connect clients of a directory. A confidential client's secret is
// 256 random bits shown once; only its SHA-256 is kept (a fast hash is enough for a value that cannot
// be guessed, unlike a password).

export interface ApplicationInput {
  readonly displayName: string;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris?: readonly string[];
  readonly allowedUserFlows: readonly string[];
}

export interface ApplicationStore {
  listForDirectory(directoryId: string): Promise<Application[]>;
  findById(directoryId: string, id: string): Promise<Application | undefined>;
  /** Client ids are unique across directories; the caller checks the directory it expects. */
  findByClientId(clientId: string): Promise<Application | undefined>;
  /** The clear secret is returned once, for a confidential client, and never again. */
  create(directoryId: string, input: ApplicationInput & { clientType: ClientType }): Promise<{ application: Application; clientSecret?: string }>;
  update(directoryId: string, id: string, input: ApplicationInput): Promise<Application | undefined>;
  rotateSecret(directoryId: string, id: string): Promise<string | undefined>;
  remove(directoryId: string, id: string): Promise<boolean>;
  /** Latchkey's own test application for "Run now", created on first use. */
  ensureBuiltIn(directoryId: string, redirectUri: string): Promise<Application>;
}

export function isClientSecretValid(application: Application, presented: string): boolean {
  if (application.client_type !== 'confidential' || !application.secret_hash) return false;
  return constantTimeEqual(application.secret_hash, sha256(presented));
}

function newClientId(): string {
  return randomToken().slice(0, 22);
}

export function createApplicationStore(db: Kysely<Database>): ApplicationStore {
  return {
    listForDirectory: (directoryId) =>
      db.selectFrom('applications').selectAll().where('directory_id', '=', directoryId).orderBy('built_in', 'desc').orderBy('display_name').execute(),
    findById: (directoryId, id) =>
      db.selectFrom('applications').selectAll().where('directory_id', '=', directoryId).where('id', '=', id).executeTakeFirst(),
    findByClientId: (clientId) => db.selectFrom('applications').selectAll().where('client_id', '=', clientId).executeTakeFirst(),
    async create(directoryId, input) {
      const clientSecret = input.clientType === 'confidential' ? randomToken() : undefined;
      const application = await db
        .insertInto('applications')
        .values({
          directory_id: directoryId,
          client_id: newClientId(),
          display_name: input.displayName,
          redirect_uris: [...input.redirectUris],
          post_logout_redirect_uris: [...(input.postLogoutRedirectUris ?? [])],
          client_type: input.clientType,
          secret_hash: clientSecret ? sha256(clientSecret) : null,
          secret_created_at: clientSecret ? new Date() : null,
          allowed_user_flows: [...input.allowedUserFlows],
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return clientSecret ? { application, clientSecret } : { application };
    },
    update: (directoryId, id, input) =>
      db
        .updateTable('applications')
        .set({
          display_name: input.displayName,
          redirect_uris: [...input.redirectUris],
          post_logout_redirect_uris: [...(input.postLogoutRedirectUris ?? [])],
          allowed_user_flows: [...input.allowedUserFlows],
          updated_at: new Date(),
        })
        .where('directory_id', '=', directoryId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    async rotateSecret(directoryId, id) {
      const clientSecret = randomToken();
      const row = await db
        .updateTable('applications')
        .set({ secret_hash: sha256(clientSecret), secret_created_at: new Date(), updated_at: new Date() })
        .where('directory_id', '=', directoryId)
        .where('id', '=', id)
        .where('client_type', '=', 'confidential')
        .returning('id')
        .executeTakeFirst();
      return row ? clientSecret : undefined;
    },
    async remove(directoryId, id) {
      const result = await db
        .deleteFrom('applications')
        .where('directory_id', '=', directoryId)
        .where('id', '=', id)
        .where('built_in', '=', false)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async ensureBuiltIn(directoryId, redirectUri) {
      const existing = await db
        .selectFrom('applications')
        .selectAll()
        .where('directory_id', '=', directoryId)
        .where('built_in', '=', true)
        .executeTakeFirst();
      if (existing) {
        // PUBLIC_URL may have changed since the test app was made; its redirect follows it.
        if (existing.redirect_uris.length === 1 && existing.redirect_uris[0] === redirectUri) return existing;
        return await db
          .updateTable('applications')
          .set({ redirect_uris: [redirectUri], updated_at: new Date() })
          .where('id', '=', existing.id)
          .returningAll()
          .executeTakeFirstOrThrow();
      }
      await db
        .insertInto('applications')
        .values({
          directory_id: directoryId,
          client_id: newClientId(),
          display_name: 'Latchkey test application',
          redirect_uris: [redirectUri],
          client_type: 'public',
          allowed_user_flows: [],
          built_in: true,
        })
        .onConflict((oc) => oc.column('directory_id').where('built_in', '=', true).doNothing())
        .execute();
      return await db
        .selectFrom('applications')
        .selectAll()
        .where('directory_id', '=', directoryId)
        .where('built_in', '=', true)
        .executeTakeFirstOrThrow();
    },
  };
}
