import { sql, type Kysely } from 'kysely';
import { inLockedTransaction } from '../../storage/locked-transaction.ts';
import type { Account, Database, Directory, Flow, Locale } from '../../storage/schema.ts';
import { loadResetRequest, outstandingFlowIds, saveResetRequest, type ResetRequestLoad, type ResetRequestSnapshot, type ResetRequestWrite } from './reset-request-statements.ts';

// What password reset needs from storage, named for what it does, and its PostgreSQL implementation.
// The store is a factory over an executor: `inTransaction` hands the work a copy bound to the
// transaction, so the service reads as load → decide → save while every statement shares one commit.

const KIND = 'password_reset' as const;

export interface NewResetFlow {
  readonly directoryId: string;
  readonly bindingHash: string;
  readonly identifierCanonical: string;
  readonly identifierInput: string;
  readonly accountId: string | null;
  readonly locale: Locale;
  readonly state: string;
  readonly data: Record<string, unknown>;
  readonly expiresAt: Date;
  readonly runId?: string | null;
}

export interface IssuedCode {
  readonly codeHmac: string;
  readonly codeExpiresAt: Date;
  readonly flowExpiresAt: Date;
}

export interface PasswordResetStore {
  inTransaction<T>(work: (store: PasswordResetStore, trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * A transaction holding the identifier's lock from its start: every send for one identifier is
   * serialised across instances, so the throttle cannot be raced (R5).
   */
  inIdentifierLock<T>(directoryId: string, identifierKey: string, work: (store: PasswordResetStore, trx: Kysely<Database>) => Promise<T>): Promise<T>;
  findAccountByIdentifier(directory: Directory, canonical: string): Promise<Account | undefined>;
  /** A reset request's reads in one statement: account, this browser's live flow (locked), recent sends. */
  loadRequest(input: ResetRequestLoad): Promise<ResetRequestSnapshot>;
  /** A reset request's writes in one statement: the flow, the send, voided codes, the mail, the audit. */
  saveRequest(write: ResetRequestWrite): Promise<void>;
  /** The account row, locked until commit: its disabled flag and failure count are read as they are now. */
  lockAccount(directoryId: string, accountId: string): Promise<Account | undefined>;
  sendsSince(directoryId: string, identifierKey: string, since: Date): Promise<{ count: number; latest: Date | null }>;
  recordSend(directoryId: string, identifierKey: string): Promise<void>;
  /** Kills every outstanding code for the identifier or account, but for one flow (R7). */
  voidOutstandingCodes(input: { directoryId: string; identifierCanonical: string; accountId: string | null; exceptFlowId: string }): Promise<number>;
  createFlow(flow: NewResetFlow): Promise<Flow>;
  findFlow(directoryId: string, flowId: string): Promise<Flow | undefined>;
  /** This browser's newest unfinished flow for the identifier: asking again continues it. */
  findLiveFlowOfBrowser(input: { directoryId: string; identifierCanonical: string; bindingHash: string; now: Date }): Promise<Flow | undefined>;
  /** SELECT … FOR UPDATE: concurrent submissions of one code queue here, so it succeeds once (R6). */
  lockFlow(directoryId: string, flowId: string): Promise<Flow | undefined>;
  issueCode(flowId: string, code: IssuedCode): Promise<void>;
  saveState(flowId: string, change: { state: string; data: Record<string, unknown>; expiresAt?: Date; clearCode?: boolean }): Promise<void>;
  /** Counts a wrong code on the flow; the code dies at `maxAttempts` (R3). Returns the flow's count. */
  recordWrongCode(flowId: string, maxAttempts: number): Promise<number>;
  /** Counts a wrong code on the account, across codes, capped (R4). Returns the new count. */
  recordAccountFailure(accountId: string, cap: number): Promise<number>;
  /** For identifiers with no account: their failures across every flow, so they behave like an account. */
  identifierFailures(directoryId: string, identifierCanonical: string): Promise<number>;
  clearAccountFailures(accountId: string): Promise<void>;
  killCode(flowId: string, maxAttempts: number): Promise<void>;
}

export function createPasswordResetStore(db: Kysely<Database>): PasswordResetStore {
  const flows = () => db.selectFrom('flows').selectAll().where('kind', '=', KIND);
  return {
    inTransaction: (work) => db.transaction().execute((trx) => work(createPasswordResetStore(trx), trx)),

    inIdentifierLock: (directoryId, identifierKey, work) =>
      inLockedTransaction(db, `reset:${directoryId}:${identifierKey}`, (trx) => work(createPasswordResetStore(trx), trx)),

    findAccountByIdentifier: (directory, canonical) =>
      db
        .selectFrom('accounts')
        .selectAll()
        .where('directory_id', '=', directory.id)
        .where(directory.sign_in_identifier === 'username' ? 'username_canonical' : 'email_canonical', '=', canonical)
        .executeTakeFirst(),

    loadRequest: (input) => loadResetRequest(db, input),
    saveRequest: (write) => saveResetRequest(db, write),

    lockAccount: (directoryId, accountId) =>
      db.selectFrom('accounts').selectAll().where('directory_id', '=', directoryId).where('id', '=', accountId).forUpdate().executeTakeFirst(),

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

    async voidOutstandingCodes({ directoryId, identifierCanonical, accountId, exceptFlowId }) {
      const result = await db
        .updateTable('flows')
        .set({ code_hmac: null, updated_at: new Date() })
        .where('directory_id', '=', directoryId)
        .where('id', '!=', exceptFlowId)
        .where('code_hmac', 'is not', null)
        .where(sql<boolean>`id IN (${outstandingFlowIds(directoryId, identifierCanonical, accountId)})`)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
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
          identifier_canonical: flow.identifierCanonical,
          identifier_input: flow.identifierInput,
          account_id: flow.accountId,
          locale: flow.locale,
          expires_at: flow.expiresAt,
          run_id: flow.runId ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),

    findFlow: (directoryId, flowId) => flows().where('directory_id', '=', directoryId).where('id', '=', flowId).executeTakeFirst(),

    findLiveFlowOfBrowser: ({ directoryId, identifierCanonical, bindingHash, now }) =>
      flows()
        .where('directory_id', '=', directoryId)
        .where('identifier_canonical', '=', identifierCanonical)
        .where('binding_hash', '=', bindingHash)
        .where('state', '=', 'awaiting_code')
        .where('expires_at', '>', now)
        .orderBy('created_at', 'desc')
        .limit(1)
        .forUpdate()
        .executeTakeFirst(),

    lockFlow: (directoryId, flowId) => flows().where('directory_id', '=', directoryId).where('id', '=', flowId).forUpdate().executeTakeFirst(),

    async issueCode(flowId, code) {
      await db
        .updateTable('flows')
        .set({ code_hmac: code.codeHmac, code_expires_at: code.codeExpiresAt, code_attempts: 0, expires_at: code.flowExpiresAt, updated_at: new Date() })
        .where('id', '=', flowId)
        .execute();
    },

    async saveState(flowId, change) {
      await db
        .updateTable('flows')
        .set({
          state: change.state,
          data: change.data,
          updated_at: new Date(),
          ...(change.expiresAt ? { expires_at: change.expiresAt } : {}),
          ...(change.clearCode ? { code_hmac: null } : {}),
        })
        .where('id', '=', flowId)
        .execute();
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

    async recordAccountFailure(accountId, cap) {
      const row = await db
        .updateTable('accounts')
        .set({ reset_code_failures: sql<number>`LEAST(reset_code_failures + 1, ${cap})` })
        .where('id', '=', accountId)
        .returning('reset_code_failures')
        .executeTakeFirstOrThrow();
      return row.reset_code_failures;
    },

    async identifierFailures(directoryId, identifierCanonical) {
      const row = await db
        .selectFrom('flows')
        .select((eb) => eb.cast<number>(eb.fn.coalesce(eb.fn.sum('code_attempts'), eb.lit(0)), 'integer').as('failures'))
        .where('directory_id', '=', directoryId)
        .where('kind', '=', KIND)
        .where('identifier_canonical', '=', identifierCanonical)
        .where('account_id', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.failures);
    },

    async clearAccountFailures(accountId) {
      await db.updateTable('accounts').set({ reset_code_failures: 0 }).where('id', '=', accountId).execute();
    },

    async killCode(flowId, maxAttempts) {
      await db
        .updateTable('flows')
        .set({ code_hmac: null, code_attempts: sql<number>`GREATEST(code_attempts, ${maxAttempts})`, updated_at: new Date() })
        .where('id', '=', flowId)
        .execute();
    },
  };
}
