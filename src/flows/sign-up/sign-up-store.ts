import { sql, type Kysely } from 'kysely';
import type { Database, Flow, Locale, NewAccount } from '../../storage/schema.ts';

// What sign-up needs from storage, named for what it does, and its PostgreSQL implementation.
// `inTransaction` hands the work a copy bound to the transaction, so the service reads as
// lock → decide → save while every statement shares one commit.

const KIND = 'sign_up' as const;

export interface NewSignUpFlow {
  readonly directoryId: string;
  readonly bindingHash: string;
  readonly emailCanonical: string;
  readonly emailInput: string;
  /** The account already holding this address, if any: its codes then die with its password (R17). */
  readonly accountId: string | null;
  readonly locale: Locale;
  readonly state: string;
  readonly data: Record<string, unknown>;
  readonly expiresAt: Date;
  readonly runId?: string | null;
}

export interface SignUpStore {
  inTransaction<T>(work: (store: SignUpStore, trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Serialises every send for one address across instances, so the throttle cannot be raced (R5). */
  lockIdentifier(directoryId: string, identifierKey: string): Promise<void>;
  findAccountByEmail(directoryId: string, emailCanonical: string): Promise<{ id: string; email: string } | undefined>;
  isUsernameTaken(directoryId: string, usernameCanonical: string): Promise<boolean>;
  sendsSince(directoryId: string, identifierKey: string, since: Date): Promise<{ count: number; latest: Date | null }>;
  recordSend(directoryId: string, identifierKey: string): Promise<void>;
  createFlow(flow: NewSignUpFlow): Promise<Flow>;
  findFlow(directoryId: string, flowId: string): Promise<Flow | undefined>;
  /** SELECT … FOR UPDATE: concurrent submissions on one flow queue here, so a code succeeds once. */
  lockFlow(directoryId: string, flowId: string): Promise<Flow | undefined>;
  issueCode(flowId: string, code: { codeHmac: string; codeExpiresAt: Date }): Promise<void>;
  /** A new code for an address kills the codes of every other sign-up for it. */
  voidOtherCodes(directoryId: string, emailCanonical: string, exceptFlowId: string): Promise<number>;
  /** Counts a wrong code; at `maxAttempts` the code dies in the same statement. Returns the count. */
  recordWrongCode(flowId: string, maxAttempts: number): Promise<number>;
  saveState(flowId: string, change: { state: string; data: Record<string, unknown>; clearCode?: boolean }): Promise<void>;
  /** Inserts the account unless its email or username is taken; undefined then, never an exception. */
  createAccount(account: NewAccount): Promise<string | undefined>;
}

export function createSignUpStore(db: Kysely<Database>): SignUpStore {
  const flows = () => db.selectFrom('flows').selectAll().where('kind', '=', KIND);
  return {
    inTransaction: (work) => db.transaction().execute((trx) => work(createSignUpStore(trx), trx)),

    async lockIdentifier(directoryId, identifierKey) {
      await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`sign_up:${directoryId}:${identifierKey}`}, 0))`.execute(db);
    },

    findAccountByEmail: (directoryId, emailCanonical) =>
      db.selectFrom('accounts').select(['id', 'email']).where('directory_id', '=', directoryId).where('email_canonical', '=', emailCanonical).executeTakeFirst(),

    async isUsernameTaken(directoryId, usernameCanonical) {
      const row = await db.selectFrom('accounts').select('id').where('directory_id', '=', directoryId).where('username_canonical', '=', usernameCanonical).executeTakeFirst();
      return row !== undefined;
    },

    async sendsSince(directoryId, identifierKey, since) {
      const row = await db
        .selectFrom('code_sends')
        .select((eb) => [eb.cast<number>(eb.fn.countAll(), 'integer').as('count'), eb.fn.max('sent_at').as('latest')])
        .where('directory_id', '=', directoryId)
        .where('identifier_key', '=', identifierKey)
        .where('purpose', '=', KIND)
        .where('sent_at', '>', since)
        .executeTakeFirstOrThrow();
      return { count: Number(row.count), latest: row.latest ? new Date(row.latest) : null };
    },

    async recordSend(directoryId, identifierKey) {
      await db.insertInto('code_sends').values({ directory_id: directoryId, identifier_key: identifierKey, purpose: KIND }).execute();
    },

    createFlow: (flow) =>
      db
        .insertInto('flows')
        .values({
          directory_id: flow.directoryId,
          kind: KIND,
          state: flow.state,
          data: flow.data,
          binding_hash: flow.bindingHash,
          identifier_canonical: flow.emailCanonical,
          identifier_input: flow.emailInput,
          account_id: flow.accountId,
          locale: flow.locale,
          expires_at: flow.expiresAt,
          run_id: flow.runId ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),

    findFlow: (directoryId, flowId) => flows().where('directory_id', '=', directoryId).where('id', '=', flowId).executeTakeFirst(),

    lockFlow: (directoryId, flowId) => flows().where('directory_id', '=', directoryId).where('id', '=', flowId).forUpdate().executeTakeFirst(),

    async issueCode(flowId, code) {
      await db
        .updateTable('flows')
        .set({ code_hmac: code.codeHmac, code_expires_at: code.codeExpiresAt, code_attempts: 0, updated_at: new Date() })
        .where('id', '=', flowId)
        .execute();
    },

    async voidOtherCodes(directoryId, emailCanonical, exceptFlowId) {
      const result = await db
        .updateTable('flows')
        .set({ code_hmac: null, updated_at: new Date() })
        .where('directory_id', '=', directoryId)
        .where('kind', '=', KIND)
        .where('identifier_canonical', '=', emailCanonical)
        .where('id', '!=', exceptFlowId)
        .where('code_hmac', 'is not', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async recordWrongCode(flowId, maxAttempts) {
      // One statement increments and, at the limit, kills: correct under any isolation level.
      const row = await db
        .updateTable('flows')
        .set({
          code_attempts: sql<number>`code_attempts + 1`,
          code_hmac: sql<string | null>`CASE WHEN code_attempts + 1 >= ${maxAttempts} THEN NULL ELSE code_hmac END`,
          updated_at: new Date(),
        })
        .where('id', '=', flowId)
        .returning('code_attempts')
        .executeTakeFirstOrThrow();
      return row.code_attempts;
    },

    async saveState(flowId, change) {
      await db
        .updateTable('flows')
        .set({ state: change.state, data: change.data, updated_at: new Date(), ...(change.clearCode ? { code_hmac: null } : {}) })
        .where('id', '=', flowId)
        .execute();
    },

    async createAccount(account) {
      // ON CONFLICT without a target covers both unique constraints (email and username) and, unlike
      // catching the error, leaves the surrounding transaction usable.
      const row = await db.insertInto('accounts').values(account).onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst();
      return row?.id;
    },
  };
}
