import { sql, type Kysely } from 'kysely';
import { sha256 } from '../domain/secrets.ts';
import type { Database, FlowRun } from '../storage/schema.ts';
import { openSecret, sealSecret } from '../storage/sealed-secret.ts';

// "Run now" runs and their test inboxes. A run is found by the administrator through its id (portal
// pages, behind the admin guard), by the customer side through its key (the `latchkey_run` parameter
// of the authorize request, held hashed), and by the callback through its OAuth `state` (hashed too).
// Messages are sealed: they hold codes, and are readable only while the run lives.

export const RUN_TTL_SECONDS = 3600;
const MESSAGE_PURPOSE = 'latchkey run message';
const URL_PURPOSE = 'latchkey run authorize url';
const VERIFIER_PURPOSE = 'latchkey run pkce verifier';

export interface NewRun {
  readonly directoryId: string;
  readonly userFlowId: string;
  readonly applicationId: string;
  readonly redirectUri: string;
  readonly adminId: string;
  readonly key: string;
  readonly state: string;
  readonly nonce: string;
  readonly pkceVerifier: string;
  readonly uiLocales: string | null;
  readonly authorizeUrl: string;
}

export interface RunMessage {
  readonly id: string;
  readonly to: string;
  readonly template: string;
  readonly createdAt: Date;
  readonly subject: string;
  readonly text: string;
}

export interface FlowRunStore {
  create(run: NewRun): Promise<FlowRun>;
  /** A live run of this directory, for the admin pages. */
  findLive(directoryId: string, id: string): Promise<FlowRun | undefined>;
  /** The live run a `latchkey_run` key names, if it belongs to this directory and client. */
  findLiveByKey(directoryId: string, key: string): Promise<FlowRun | undefined>;
  findLiveByState(directoryId: string, state: string): Promise<FlowRun | undefined>;
  authorizeUrl(run: FlowRun): string;
  pkceVerifier(run: FlowRun): string;
  markCompleted(id: string): Promise<void>;
  /** Called by the dispatcher once a run's message is rendered: a sealed copy for the test inbox. */
  keepMessage(message: { runId: string; outboxId: string; to: string; template: string; subject: string; text: string }): Promise<void>;
  messages(runId: string): Promise<RunMessage[]>;
  /** Runs past their lifetime go, their inbox with them. Returns how many. */
  deleteExpired(limit: number): Promise<number>;
}

export function createFlowRunStore(db: Kysely<Database>, instanceKey: Buffer): FlowRunStore {
  const live = () => db.selectFrom('flow_runs').selectAll().where('expires_at', '>', new Date());
  return {
    create: (run) =>
      db
        .insertInto('flow_runs')
        .values({
          directory_id: run.directoryId,
          user_flow_id: run.userFlowId,
          application_id: run.applicationId,
          redirect_uri: run.redirectUri,
          admin_id: run.adminId,
          key_hash: sha256(run.key),
          state_hash: sha256(run.state),
          nonce: run.nonce,
          pkce_verifier_sealed: sealSecret(instanceKey, VERIFIER_PURPOSE, run.pkceVerifier),
          ui_locales: run.uiLocales,
          authorize_url_sealed: sealSecret(instanceKey, URL_PURPOSE, run.authorizeUrl),
          expires_at: new Date(Date.now() + RUN_TTL_SECONDS * 1000),
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    findLive: (directoryId, id) => live().where('directory_id', '=', directoryId).where('id', '=', id).executeTakeFirst(),
    findLiveByKey: (directoryId, key) => live().where('directory_id', '=', directoryId).where('key_hash', '=', sha256(key)).executeTakeFirst(),
    findLiveByState: (directoryId, state) => live().where('directory_id', '=', directoryId).where('state_hash', '=', sha256(state)).executeTakeFirst(),
    authorizeUrl: (run) => (run.authorize_url_sealed ? openSecret(instanceKey, URL_PURPOSE, run.authorize_url_sealed) : ''),
    pkceVerifier: (run) => (run.pkce_verifier_sealed ? openSecret(instanceKey, VERIFIER_PURPOSE, run.pkce_verifier_sealed) : ''),
    async markCompleted(id) {
      await db.updateTable('flow_runs').set({ completed_at: new Date() }).where('id', '=', id).execute();
    },
    async keepMessage(message) {
      await db
        .insertInto('flow_run_messages')
        .values({
          run_id: message.runId,
          outbox_id: message.outboxId,
          to_address: message.to,
          template: message.template,
          content_sealed: sealSecret(instanceKey, MESSAGE_PURPOSE, JSON.stringify({ subject: message.subject, text: message.text })),
        })
        // A retried delivery renders again; the inbox keeps one copy per message.
        .onConflict((oc) => oc.constraint('flow_run_messages_outbox_unique').doNothing())
        .execute();
    },
    async messages(runId) {
      const rows = await db.selectFrom('flow_run_messages').selectAll().where('run_id', '=', runId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(50).execute();
      return rows.map((row) => {
        const content = JSON.parse(openSecret(instanceKey, MESSAGE_PURPOSE, row.content_sealed)) as { subject: string; text: string };
        return { id: row.id, to: row.to_address, template: row.template, createdAt: row.created_at, subject: content.subject, text: content.text };
      });
    },
    async deleteExpired(limit) {
      const result = await db
        .deleteFrom('flow_runs')
        .where('id', 'in', db.selectFrom('flow_runs').select('id').where('expires_at', '<=', sql<Date>`now()`).limit(limit))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
