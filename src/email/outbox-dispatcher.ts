import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database, Directory, OutboxMessage } from '../storage/schema.ts';
import type { MailTransport } from './mail-transport.ts';
import type { TextCache } from '../directories/directory-texts.ts';
import { mailSender } from './mail-sender.ts';
import { openCode } from './sealed-code.ts';
import type { Links } from '../http/links.ts';
import { brandingForEmail } from './templates/email-branding.ts';
import { renderEmail } from './templates/render-email.ts';

// Delivers the outbox. Rows are claimed with SKIP LOCKED and a lease, so several instances share the
// work without sending a message twice, and a row whose instance died is picked up once its lease runs
// out (F4). A failed send is retried with exponential backoff (F1); a delivered row is marked sent and
// loses its secret payload (the code) straight away.
//
// A batch goes out over as many lanes as the transport has connections, so a relay that takes tens of
// milliseconds to answer is not waited for one message at a time, and each wake-up of the process carries
// several messages' work. A recipient's messages in a batch share one lane, in the order they were
// queued: after an outage, a customer's "password changed" notice does not overtake the code it follows.

export interface OutboxDispatcher {
  start(): void;
  /** Wake up now rather than at the next poll. */
  nudge(): void;
  /** Deliver everything due, once; for tests and shutdown. Resolves with how many were sent. */
  drainOnce(): Promise<number>;
  /**
   * Stops after the messages being sent, and hands every row this instance claimed but did not send back
   * to the outbox (lease cleared, attempt not counted), so another instance delivers it at once. A send
   * still running after `waitMs` keeps its lease: it may yet succeed, and handing it over could send it
   * twice; another instance takes it when the lease runs out (F4).
   */
  stop(waitMs?: number): Promise<void>;
}

/** A claimed row with the directory it belongs to. */
type Claimed = OutboxMessage & { directory: Directory };

const BATCH = 20;
const LEASE_SECONDS = 60;
const MAX_ATTEMPTS = 25;
const MAX_BACKOFF_MS = 60 * 60 * 1000;

export function createOutboxDispatcher(options: {
  db: Kysely<Database>;
  transport: MailTransport;
  logger: Logger;
  retryBaseMs: number;
  from: string;
  /** Opens the codes sealed into payloads. */
  instanceKey: Buffer;
  /** PUBLIC_URL links, for the directory's logo in mail. */
  links: Links;
  /** Each directory's overrides and templates. */
  texts: TextCache;
  /** The absolute sign-in page of a directory, for templates that link to it. */
  signInUrl: (directorySlug: string) => string;
  pollMs?: number;
  /** Where a "Run now" run's messages are copied as rendered: its test inbox. */
  runInbox?: { keepMessage(message: { runId: string; outboxId: string; to: string; template: string; subject: string; text: string }): Promise<void> };
  /** Told of each message the SMTP server accepted (metrics). */
  onSent?: (template: string) => void;
}): OutboxDispatcher {
  const { db, transport, logger } = options;
  const pollMs = options.pollMs ?? 1000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = true;
  // Claimed by this instance and not yet sent or rescheduled: what stop() hands back.
  const held = new Set<string>();
  let stopping = false;
  // Handed to the transport and not yet answered: what stop() leaves with its lease.
  const sending = new Set<string>();

  /** Leases a batch, then reads the directories it names (name, languages, texts, branding, sender). */
  async function claim(): Promise<{ claimed: number; messages: Claimed[] }> {
    const claimed = await db
      .updateTable('outbox')
      .set({ claimed_until: sql<Date>`now() + make_interval(secs => ${LEASE_SECONDS})`, attempts: sql<number>`attempts + 1` })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('outbox')
          .select('id')
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', sql<Date>`now()`)
          .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', sql<Date>`now()`)]))
          .orderBy('next_attempt_at')
          .limit(BATCH)
          .forUpdate()
          .skipLocked(),
      )
      .returningAll()
      .execute();
    if (claimed.length === 0) return { claimed: 0, messages: [] };
    for (const m of claimed) held.add(m.id);
    const directories = await db.selectFrom('directories').selectAll().where('id', 'in', [...new Set(claimed.map((m) => m.directory_id))]).execute();
    const byId = new Map(directories.map((d) => [d.id, d]));
    // A row whose directory was deleted between the two statements is gone with it (cascade): not held.
    const messages = claimed.flatMap((m) => {
      const directory = byId.get(m.directory_id);
      if (!directory) held.delete(m.id);
      return directory ? [{ ...m, directory }] : [];
    });
    return { claimed: claimed.length, messages };
  }

  async function deliver(message: Claimed): Promise<boolean> {
    try {
      const { sealedCode, ...rest } = message.payload;
      const payload = typeof sealedCode === 'string' ? { ...rest, code: openCode(options.instanceKey, sealedCode) } : rest;
      const texts = await options.texts.load(message.directory);
      const content = renderEmail({ ...message, payload }, message.directory, texts, { signInUrl: options.signInUrl(message.directory.slug), brand: brandingForEmail(message.directory, options.links) });
      // Copied before sending, so a run's inbox shows the message even while SMTP is down.
      if (message.run_id && options.runInbox) {
        await options.runInbox.keepMessage({ runId: message.run_id, outboxId: message.id, to: message.to_address, template: message.template, subject: content.subject, text: content.text });
      }
      const sender = mailSender(message.directory, options.from);
      await transport.send({ ...sender, to: message.to_address, ...content, messageId: `<outbox-${message.id}@latchkey>`, directoryId: message.directory_id });
    } catch (error) {
      const backoff = Math.min(options.retryBaseMs * 2 ** (message.attempts - 1), MAX_BACKOFF_MS);
      const giveUp = message.attempts >= MAX_ATTEMPTS;
      logger.warn({ outboxId: message.id, attempts: message.attempts, err: (error as Error).message }, giveUp ? 'mail failed for good' : 'mail failed; will retry');
      await db
        .updateTable('outbox')
        .set({
          status: giveUp ? 'failed' : 'pending',
          claimed_until: null,
          next_attempt_at: new Date(Date.now() + backoff),
          last_error: String((error as Error).message ?? error).slice(0, 500),
        })
        .where('id', '=', message.id)
        .execute();
      return false;
    }
    await db
      .updateTable('outbox')
      .set({ status: 'sent', sent_at: new Date(), claimed_until: null, last_error: null, payload: sql`payload - 'sealedCode'` })
      .where('id', '=', message.id)
      .execute();
    options.onSent?.(message.template);
    return true;
  }

  async function release(): Promise<void> {
    if (held.size === 0) return;
    const ids = [...held].filter((id) => !sending.has(id));
    if (ids.length === 0) return;
    await db
      .updateTable('outbox')
      .set({ claimed_until: null, attempts: sql<number>`greatest(attempts - 1, 0)` })
      .where('id', 'in', ids)
      .where('status', '=', 'pending')
      .execute();
    for (const id of ids) held.delete(id);
    logger.info({ released: ids.length }, 'unsent mail handed back to the outbox');
  }

  /** Delivers a batch over the transport's lanes; resolves with how many were sent. */
  async function deliverAll(messages: readonly Claimed[]): Promise<number> {
    const byRecipient = new Map<string, Claimed[]>();
    // UPDATE … RETURNING keeps no order; ids are a sequence, so they give the order of queueing.
    const queued = [...messages].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    for (const message of queued) {
      const theirs = byRecipient.get(message.to_address);
      if (theirs) theirs.push(message);
      else byRecipient.set(message.to_address, [message]);
    }
    const lanes = [...byRecipient.values()];
    let sent = 0;
    const runLane = async () => {
      for (let next = lanes.shift(); next; next = lanes.shift()) {
        for (const message of next) {
          if (stopping) return;
          sending.add(message.id);
          if (await deliver(message)) sent += 1;
          // A send whose outcome could not be recorded (deliver threw) stays in `sending`: stop() leaves
          // it its lease rather than risk a second copy.
          sending.delete(message.id);
          held.delete(message.id);
        }
      }
    };
    // Settled, not raced: a lane that fails (the database gone) must not leave the others running
    // unawaited under the next drain.
    const outcomes = await Promise.allSettled(Array.from({ length: Math.min(transport.concurrency, lanes.length) }, runLane));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
    return sent;
  }

  async function drain(): Promise<number> {
    let sent = 0;
    for (;;) {
      if (stopping) return sent;
      again = false;
      const batch = await claim();
      sent += await deliverAll(batch.messages);
      if (stopping) return sent;
      // A batch short of full took everything that was due when it was claimed; mail queued since then
      // came with a nudge (`again`), and other instances' mail waits for the next poll. So there is no
      // closing empty claim, which was one statement more for every message sent one at a time.
      if (batch.claimed < BATCH && !again) return sent;
    }
  }

  function runOnce(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = drain()
      .catch((error: unknown) => {
        logger.warn({ err: (error as Error).message }, 'outbox dispatch failed; will retry');
        return 0;
      })
      .finally(() => {
        running = undefined;
        if (again && !stopped) {
          again = false;
          void runOnce();
        }
      });
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void runOnce().finally(schedule);
    }, pollMs);
    timer.unref();
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    nudge() {
      if (!stopped) void runOnce();
    },
    drainOnce: () => runOnce(),
    async stop(waitMs = 30_000) {
      stopped = true;
      stopping = true;
      if (timer) clearTimeout(timer);
      try {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([running, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
        clearTimeout(timer);
        await release();
      } finally {
        // A send still hanging when waitMs ran out keeps `stopping` set until it returns, so the drain it
        // belongs to ends there instead of delivering the messages release() just handed to others.
        if (running) void running.finally(() => (stopping = false));
        else stopping = false;
      }
    },
  };
}
