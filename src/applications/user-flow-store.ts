import type { Kysely } from 'kysely';
import { canonicalize } from '../domain/identifier.ts';
import type { Database, Locale, UserFlow, UserFlowPasswordReset, UserFlowType } from '../storage/schema.ts';

// User flows are B2C's "policies": a named journey (sign-up and sign-in, sign-in, password reset,
// profile editing) an application starts with `p=<name>`. Read per request (unlike directory settings,
// which instances keep in memory), so an edit in the portal is seen by every instance at the next
// authorize request.

export const USER_FLOW_TYPES: readonly UserFlowType[] = ['sign_up_sign_in', 'sign_in', 'password_reset', 'profile_edit'];
export const USER_FLOW_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Every directory starts with one flow of each type, so "Run now" works on a fresh install. */
export const DEFAULT_USER_FLOWS: readonly { name: string; type: UserFlowType }[] = [
  { name: 'B2C_1_signupsignin', type: 'sign_up_sign_in' },
  { name: 'B2C_1_signin', type: 'sign_in' },
  { name: 'B2C_1_passwordreset', type: 'password_reset' },
  { name: 'B2C_1_profileedit', type: 'profile_edit' },
];

export interface UserFlowSettings {
  readonly passwordReset: UserFlowPasswordReset;
  readonly collectedAttributes: readonly string[];
  readonly tokenClaims: readonly string[];
  readonly defaultLocale: Locale | null;
}

export interface UserFlowStore {
  listForDirectory(directoryId: string): Promise<UserFlow[]>;
  findById(directoryId: string, id: string): Promise<UserFlow | undefined>;
  /** Case-insensitive, as B2C's `p` parameter is. */
  findByName(directoryId: string, name: string): Promise<UserFlow | undefined>;
  /** Undefined when the name is taken in this directory. */
  create(directoryId: string, input: { name: string; type: UserFlowType } & Partial<UserFlowSettings>): Promise<UserFlow | undefined>;
  updateSettings(directoryId: string, id: string, settings: UserFlowSettings): Promise<UserFlow | undefined>;
  remove(directoryId: string, id: string): Promise<boolean>;
  ensureDefaults(directoryId: string): Promise<void>;
}

export function createUserFlowStore(db: Kysely<Database>): UserFlowStore {
  const store: UserFlowStore = {
    listForDirectory: (directoryId) =>
      db.selectFrom('user_flows').selectAll().where('directory_id', '=', directoryId).orderBy('name_canonical').execute(),
    findById: (directoryId, id) =>
      db.selectFrom('user_flows').selectAll().where('directory_id', '=', directoryId).where('id', '=', id).executeTakeFirst(),
    findByName: (directoryId, name) =>
      db
        .selectFrom('user_flows')
        .selectAll()
        .where('directory_id', '=', directoryId)
        .where('name_canonical', '=', canonicalize(name))
        .executeTakeFirst(),
    async create(directoryId, input) {
      return await db
        .insertInto('user_flows')
        .values({
          directory_id: directoryId,
          name: input.name,
          name_canonical: canonicalize(input.name),
          type: input.type,
          password_reset: input.passwordReset,
          collected_attributes: input.collectedAttributes ? [...input.collectedAttributes] : undefined,
          token_claims: input.tokenClaims ? [...input.tokenClaims] : undefined,
          default_locale: input.defaultLocale ?? null,
        })
        .onConflict((oc) => oc.constraint('user_flows_directory_name_unique').doNothing())
        .returningAll()
        .executeTakeFirst();
    },
    updateSettings: (directoryId, id, settings) =>
      db
        .updateTable('user_flows')
        .set({
          password_reset: settings.passwordReset,
          collected_attributes: [...settings.collectedAttributes],
          token_claims: [...settings.tokenClaims],
          default_locale: settings.defaultLocale,
          updated_at: new Date(),
        })
        .where('directory_id', '=', directoryId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    async remove(directoryId, id) {
      const result = await db.deleteFrom('user_flows').where('directory_id', '=', directoryId).where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async ensureDefaults(directoryId) {
      // Only for a directory that has none: a deleted default stays deleted.
      const existing = await db.selectFrom('user_flows').select('id').where('directory_id', '=', directoryId).limit(1).executeTakeFirst();
      if (existing) return;
      for (const flow of DEFAULT_USER_FLOWS) await store.create(directoryId, flow);
    },
  };
  return store;
}
