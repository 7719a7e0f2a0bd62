import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import type { Kysely } from 'kysely';
import { createDirectoryStore } from '../../src/directories/directory-store.ts';
import { createTextCache } from '../../src/directories/directory-texts.ts';
import { createMailTransport, SMTP_CONNECTIONS } from '../../src/email/mail-transport.ts';
import { createOutboxDispatcher } from '../../src/email/outbox-dispatcher.ts';
import { enqueueEmail } from '../../src/email/outbox.ts';
import { sealCode } from '../../src/email/sealed-code.ts';
import { randomBytes } from 'node:crypto';
import { createDatabase, migrateToLatest } from '../../src/storage/database.ts';
import type { Database, Directory } from '../../src/storage/schema.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { codeIn, startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { until } from '../support/until.ts';
import { createLinks } from '../../src/http/links.ts';

const logger = pino({ level: 'silent' });
const instanceKey = randomBytes(32);

describe('outbox dispatcher, real PostgreSQL and real SMTP', () => {
  let database: { url: string; drop: () => Promise<void> };
  let db: Kysely<Database>;
  let smtp: SmtpSink;
  let directory: Directory;

  before(async () => {
    database = await createTestDatabase();
    db = createDatabase(database.url);
    await migrateToLatest(db);
    directory = await createDirectoryStore(db).ensureDefault();
    smtp = await startSmtpSink();
  });
  after(async () => {
    await db.destroy();
    await smtp.close();
    await database.drop();
  });
  beforeEach(async () => {
    await db.deleteFrom('outbox').execute();
    smtp.messages.length = 0;
    smtp.setRejecting(false);
    smtp.setReplyDelay(0);
  });

  const dispatcher = (retryBaseMs = 20) =>
    createOutboxDispatcher({ db, transport: createMailTransport({ smtpUrl: smtp.url, logger }), logger, retryBaseMs, from: 'Latchkey <no-reply@latchkey.test>', pollMs: 25, instanceKey,
      links: createLinks(new URL('http://latchkey.test')), texts: createTextCache(db), signInUrl: (slug) => `http://latchkey.test/d/${slug}/signin` });

  const queue = (to: string, code: string) =>
    enqueueEmail(db, { directoryId: directory.id, template: 'reset_code', locale: 'en', to, payload: { sealedCode: sealCode(instanceKey, code), minutes: 10 } });

  it('F1: SMTP down for a while, then back: every message delivered exactly once, none lost', async () => {
    smtp.setRejecting(true);
    for (let i = 0; i < 5; i++) await queue(`f1-${i}@example.com`, `10000${i}`);
    const worker = dispatcher();
    worker.start();
    // Let it fail a few times while the server refuses everything.
    for (let waited = 0; waited < 3000; waited += 50) {
      const row = await db.selectFrom('outbox').select((eb) => eb.fn.min('attempts').as('min')).executeTakeFirstOrThrow();
      if (Number(row.min) >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const pending = await db.selectFrom('outbox').select(['status', 'attempts', 'last_error']).execute();
    assert.ok(pending.every((r) => r.status === 'pending' && r.attempts >= 2 && r.last_error), 'retried while SMTP was down, nothing given up');
    assert.equal(smtp.messages.length, 0);

    smtp.setRejecting(false);
    for (let i = 0; i < 5; i++) await smtp.waitFor((m) => m.to.includes(`f1-${i}@example.com`), 15_000);
    await worker.drainOnce();
    await new Promise((r) => setTimeout(r, 300));
    await worker.stop();
    const recipients = smtp.messages.map((m) => m.to.join(','));
    assert.equal(recipients.length, 5, `each delivered once, got ${recipients.join(' ')}`);
    assert.equal(new Set(recipients).size, 5);
    const rows = await db.selectFrom('outbox').selectAll().execute();
    assert.ok(rows.every((r) => r.status === 'sent' && r.sent_at));
  });

  it('F4: two instances dispatching the same outbox deliver each message once', async () => {
    for (let i = 0; i < 30; i++) await queue(`pair-${i}@example.com`, `2000${String(i).padStart(2, '0')}`);
    const [a, b] = [dispatcher(), dispatcher()];
    const sent = await Promise.all([a.drainOnce(), b.drainOnce()]);
    assert.equal(sent[0] + sent[1], 30);
    assert.equal(smtp.messages.length, 30);
    assert.equal(new Set(smtp.messages.map((m) => m.to[0])).size, 30);
  });

  it('F4: a message claimed by an instance that died is delivered by another once its lease runs out', async () => {
    await queue('orphan@example.com', '300000');
    // An instance claimed the row (lease taken, attempt counted) and was killed before sending.
    await db.updateTable('outbox').set({ claimed_until: new Date(Date.now() - 1000), attempts: 1 }).execute();
    assert.equal(await dispatcher().drainOnce(), 1);
    await smtp.waitFor((m) => m.to.includes('orphan@example.com'));
  });

  /** Resolves once the SMTP server has received `count` messages (it may not have answered them yet). */
  const received = async (count: number) => {
    await until(`${count} messages at the SMTP server`, () => smtp.messages.length >= count, 10_000, 10);
    return smtp.messages.map((m) => m.to.join(','));
  };

  it('F4: stopped while sends hang past the wait, the rest is handed back and not sent by this instance when the sends return', async () => {
    const names = Array.from({ length: SMTP_CONNECTIONS + 2 }, (_, i) => `hang-${i}@example.com`);
    for (const name of names) await queue(name, '400000');
    smtp.setReplyDelay(1500);
    const worker = dispatcher();
    const draining = worker.drainOnce();
    // One send per connection waits for the server's answer; the other two are claimed, waiting their turn.
    const inFlight = await received(SMTP_CONNECTIONS);
    await worker.stop(100);
    const waiting = names.filter((name) => !inFlight.includes(name));
    assert.equal(waiting.length, 2);
    const handedBack = await db.selectFrom('outbox').select(['status', 'claimed_until']).where('to_address', 'in', waiting).execute();
    assert.deepEqual(handedBack.map((r) => [r.status, r.claimed_until]), [['pending', null], ['pending', null]], 'the two unsent messages are back in the outbox');
    smtp.setReplyDelay(0);
    await draining;
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(smtp.messages.map((m) => m.to.join(',')).sort(), [...inFlight].sort(), 'only the messages in flight were sent');
    const rows = await db.selectFrom('outbox').select(['to_address', 'status']).execute();
    assert.deepEqual(rows.map((r) => [r.to_address, r.status]).sort(), names.map((name) => [name, waiting.includes(name) ? 'pending' : 'sent']).sort());
  });

  it('a batch goes out over every pooled connection at once, a recipient\'s messages one after another in the order queued', async () => {
    const others = Array.from({ length: SMTP_CONNECTIONS - 1 }, (_, i) => `lane-${i}@example.com`);
    await queue('same@example.com', '500001');
    await queue('same@example.com', '500002');
    for (const name of others) await queue(name, '500000');
    await queue('same@example.com', '500003');
    smtp.setReplyDelay(1000);
    const draining = dispatcher().drainOnce();
    // Before the server has answered anything, one message per connection has arrived: the first of
    // same@ and each other recipient's. The rest of same@'s wait for the answer to the one before.
    const first = await received(SMTP_CONNECTIONS);
    assert.deepEqual([...first].sort(), ['same@example.com', ...others].sort());
    assert.equal(await db.selectFrom('outbox').select('id').where('status', '=', 'sent').execute().then((rows) => rows.length), 0, 'nothing answered yet');
    smtp.setReplyDelay(0);
    assert.equal(await draining, SMTP_CONNECTIONS + 2);
    const codes = smtp.messages.filter((m) => m.to.includes('same@example.com')).map((m) => codeIn(m));
    assert.deepEqual(codes, ['500001', '500002', '500003']);
  });

  it('R9: a queued code is stored only sealed, is mailed in the clear, and leaves the row once delivered', async () => {
    await queue('scrub@example.com', '424242');
    const queued = await db.selectFrom('outbox').selectAll().where('to_address', '=', 'scrub@example.com').executeTakeFirstOrThrow();
    assert.doesNotMatch(JSON.stringify(queued), /424242/, 'no plain code in the queued row');
    assert.equal(typeof queued.payload.sealedCode, 'string');
    await dispatcher().drainOnce();
    const mail = await smtp.waitFor((m) => m.to.includes('scrub@example.com'));
    assert.match(mail.text, /424242/);
    const row = await db.selectFrom('outbox').selectAll().where('to_address', '=', 'scrub@example.com').executeTakeFirstOrThrow();
    assert.equal(row.status, 'sent');
    assert.equal(row.payload.sealedCode, undefined);
  });

  it('R9: a plain code is refused at the door of the outbox', async () => {
    await assert.rejects(
      enqueueEmail(db, { directoryId: directory.id, template: 'reset_code', locale: 'en', to: 'plain@example.com', payload: { code: '111111', minutes: 10 } }),
      /must be sealed/,
    );
  });

  it('R10: one message goes to one stored address, with a stable message id', async () => {
    await queue('single@example.com', '515151');
    await dispatcher().drainOnce();
    const mail = await smtp.waitFor((m) => m.to.includes('single@example.com'));
    assert.deepEqual(mail.to, ['single@example.com']);
    assert.match(mail.messageId ?? '', /^<outbox-\d+@latchkey>$/);
  });
});
