import { sql, type Kysely } from 'kysely';
import { AUDIT_COLUMNS, auditValues, type AuditType } from '../../audit/audit-log.ts';
import type { Account, Database, Directory, Locale } from '../../storage/schema.ts';

// A reset request ("send me a code") in two statements, run inside the transaction that holds the
// identifier's advisory lock: one reads everything the decision needs, one writes everything the
// decision says. Both have the same text and shape for an existing, unknown, disabled or unverified
// account, so the database does the same work whatever the answer would reveal (R12, R13); only the
// parameters differ, and the outbox row is inserted by an INSERT … SELECT that finds nothing to insert
// when there is no recipient.

const KIND = 'password_reset';

export type RequestAccount = Pick<Account, 'id' | 'email' | 'email_verified' | 'disabled' | 'locale' | 'display_name'>;

/** The browser's unfinished flow for the identifier, as much of it as a request needs. */
export interface LiveFlow {
  readonly id: string;
  readonly state: string;
  readonly data: Record<string, unknown>;
  readonly code_hmac: string | null;
  readonly expires_at: Date;
  /** The "Run now" run it was started in, whose test inbox gets its mail. */
  readonly run_id: string | null;
}

export interface ResetRequestSnapshot {
  readonly account: RequestAccount | undefined;
  readonly liveFlow: LiveFlow | undefined;
  readonly sends: { readonly count: number; readonly latest: Date | null };
  /** Whether the account is in a group allowed to reset (what scope `selected` asks); read for every request alike. */
  readonly member: boolean;
}

export interface ResetRequestLoad {
  readonly directory: Directory;
  readonly canonical: string;
  readonly bindingHash: string;
  readonly identifierKey: string;
  readonly now: Date;
  /** Start of the throttle's window: sends after it count (R5). */
  readonly since: Date;
}

export async function loadResetRequest(db: Kysely<Database>, input: ResetRequestLoad): Promise<ResetRequestSnapshot> {
  const { directory } = input;
  const identifierColumn = directory.sign_in_identifier === 'username' ? sql.ref('a.username_canonical') : sql.ref('a.email_canonical');
  const { rows } = await sql<{ account: RequestAccount | null; live: (Omit<LiveFlow, 'expires_at'> & { expires_ms: number }) | null; count: number; latest_ms: number | null; member: boolean }>`
    SELECT
      (SELECT json_build_object('id', a.id, 'email', a.email, 'email_verified', a.email_verified, 'disabled', a.disabled, 'locale', a.locale, 'display_name', a.display_name)
         FROM accounts a WHERE a.directory_id = ${directory.id} AND ${identifierColumn} = ${input.canonical}) AS account,
      (SELECT json_build_object('id', f.id, 'state', f.state, 'data', f.data, 'code_hmac', f.code_hmac, 'run_id', f.run_id, 'expires_ms', extract(epoch FROM f.expires_at) * 1000)
         FROM flows f
        WHERE f.kind = ${KIND} AND f.directory_id = ${directory.id} AND f.identifier_canonical = ${input.canonical}
          AND f.binding_hash = ${input.bindingHash} AND f.state = 'awaiting_code' AND f.expires_at > ${input.now}
        ORDER BY f.created_at DESC LIMIT 1 FOR UPDATE) AS live,
      EXISTS (SELECT 1 FROM accounts a JOIN group_members gm ON gm.account_id = a.id JOIN groups g ON g.id = gm.group_id
               WHERE a.directory_id = ${directory.id} AND ${identifierColumn} = ${input.canonical} AND g.directory_id = ${directory.id} AND g.reset_allowed) AS member,
      s.count, s.latest_ms
    FROM (SELECT count(*)::int AS count, (extract(epoch FROM max(sent_at)) * 1000)::float8 AS latest_ms
            FROM code_sends
           WHERE directory_id = ${directory.id} AND identifier_key = ${input.identifierKey} AND purpose = ${KIND} AND sent_at > ${input.since}) s`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('reset request snapshot returned no row');
  const live = row.live ? { id: row.live.id, state: row.live.state, data: row.live.data, code_hmac: row.live.code_hmac, run_id: row.live.run_id, expires_at: new Date(Number(row.live.expires_ms)) } : undefined;
  return {
    account: row.account ?? undefined,
    liveFlow: live,
    sends: { count: Number(row.count), latest: row.latest_ms === null ? null : new Date(Number(row.latest_ms)) },
    member: row.member === true,
  };
}

export interface IssuedCodeRow {
  readonly codeHmac: string;
  readonly codeExpiresAt: Date;
  readonly flowExpiresAt: Date;
}

export interface ResetRequestWrite {
  readonly directoryId: string;
  readonly flowId: string;
  /** Present when the flow is new: it is inserted with its code. Absent: the live flow is updated. */
  readonly newFlow?: { readonly bindingHash: string; readonly identifierCanonical: string; readonly identifierInput: string; readonly locale: Locale; readonly runId?: string | null };
  readonly accountId: string | null;
  readonly state: { readonly state: string; readonly data: Record<string, unknown> };
  /** The code to store on the flow; absent when the flow keeps the code it has. */
  readonly code?: IssuedCodeRow;
  /** A send that counts for the throttle (R5) and voids every other outstanding code (R7). */
  readonly counted: boolean;
  readonly identifierCanonical: string;
  readonly identifierKey: string;
  /** The message to queue; absent when there is no recipient or the send was throttled. */
  readonly mail?: { readonly to: string; readonly locale: Locale; readonly template: 'reset_code' | 'reset_not_enabled'; readonly payload: Record<string, string | number>; readonly runId?: string | null };
  readonly sendOutcome: string;
  readonly requester: { readonly ip: string | null; readonly userAgent: string | null };
  readonly now: Date;
}

/**
 * The reset flows of an identifier or of an account, as two index look-ups. Written as one condition,
 * `identifier_canonical = … OR account_id = …`, PostgreSQL reads every reset flow of the directory and
 * filters them: slower with every flow, and only when there is an account, which made an existing
 * address measurably slower to answer than an unknown one (R13). With no account the second look-up
 * compares with NULL and finds nothing at once.
 */
export function outstandingFlowIds(directoryId: string, identifierCanonical: string, accountId: string | null) {
  return sql`SELECT id FROM flows WHERE directory_id = ${directoryId}::uuid AND kind = ${KIND} AND identifier_canonical = ${identifierCanonical}
             UNION ALL
             SELECT id FROM flows WHERE account_id = ${accountId}::uuid AND kind = ${KIND}`;
}

export async function saveResetRequest(db: Kysely<Database>, w: ResetRequestWrite): Promise<void> {
  const isNew = w.newFlow !== undefined;
  const issue = w.code !== undefined;
  const audit = (type: AuditType, outcome: string) =>
    auditValues({ type, outcome, directoryId: w.directoryId, accountId: w.accountId, ip: w.requester.ip, userAgent: w.requester.userAgent, detail: { flowId: w.flowId } });
  await sql`
    WITH
    inserted AS (
      INSERT INTO flows (id, directory_id, kind, state, data, binding_hash, identifier_canonical, identifier_input, account_id, locale,
                         code_hmac, code_expires_at, code_attempts, expires_at, updated_at, run_id)
      SELECT ${w.flowId}::uuid, ${w.directoryId}::uuid, ${KIND}, ${w.state.state}, ${JSON.stringify(w.state.data)}::jsonb, ${w.newFlow?.bindingHash ?? ''},
             ${w.newFlow?.identifierCanonical ?? ''}, ${w.newFlow?.identifierInput ?? ''}, ${w.accountId}::uuid, ${w.newFlow?.locale ?? 'en'},
             ${w.code?.codeHmac ?? null}, ${w.code?.codeExpiresAt ?? null}::timestamptz, 0, ${w.code?.flowExpiresAt ?? w.now}::timestamptz, ${w.now}::timestamptz, ${w.newFlow?.runId ?? null}::uuid
      WHERE ${isNew}),
    updated AS (
      UPDATE flows SET state = ${w.state.state}, data = ${JSON.stringify(w.state.data)}::jsonb, updated_at = ${w.now}::timestamptz,
             code_hmac = CASE WHEN ${issue} THEN ${w.code?.codeHmac ?? null} ELSE code_hmac END,
             code_expires_at = CASE WHEN ${issue} THEN ${w.code?.codeExpiresAt ?? null}::timestamptz ELSE code_expires_at END,
             code_attempts = CASE WHEN ${issue} THEN 0 ELSE code_attempts END,
             expires_at = CASE WHEN ${issue} THEN ${w.code?.flowExpiresAt ?? null}::timestamptz ELSE expires_at END
       WHERE id = ${w.flowId}::uuid AND NOT ${isNew}),
    counted AS (
      INSERT INTO code_sends (directory_id, identifier_key, purpose) SELECT ${w.directoryId}::uuid, ${w.identifierKey}, ${KIND} WHERE ${w.counted}),
    voided AS (
      UPDATE flows SET code_hmac = NULL, updated_at = ${w.now}::timestamptz
       WHERE ${w.counted} AND directory_id = ${w.directoryId}::uuid AND id <> ${w.flowId}::uuid AND code_hmac IS NOT NULL
         AND id IN (${outstandingFlowIds(w.directoryId, w.identifierCanonical, w.accountId)})),
    queued AS (
      INSERT INTO outbox (directory_id, template, locale, to_address, payload, run_id)
      SELECT ${w.directoryId}::uuid, ${w.mail?.template ?? 'reset_code'}, ${w.mail?.locale ?? 'en'}, ${w.mail?.to ?? null}::text, ${JSON.stringify(w.mail?.payload ?? {})}::jsonb, ${w.mail?.runId ?? null}::uuid
      WHERE ${w.mail?.to ?? null}::text IS NOT NULL)
    INSERT INTO ${AUDIT_COLUMNS} VALUES ${audit('reset_requested', 'accepted')}, ${audit('reset_code_sent', w.sendOutcome)}`.execute(db);
}
