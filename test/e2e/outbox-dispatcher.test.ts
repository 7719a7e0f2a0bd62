import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import type { Kysely } from 'kysely';
import { createDirectoryStore } from '../../src/directories/directory-store.ts';
import { createTextCache } from '../../src/directories/directory-texts.ts';
import { createMailTransport } from '../../src/email/mail-transport.ts';
import { createOutboxDispatcher } from '../../src/email/outbox-dispatcher.ts';
import { enqueueEmail } from '../../src/email/outbox.ts';
import { sealCode } from '../../src/email/sealed-code.ts';
import { randomBytes } from 'node:crypto';
import { createDatabase, migrateToLatest } from '../../src/storage/database.ts';
import type { Database, Directory } from '../../src/storage/schema.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
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

  it('F4: stopped while a send hangs past the wait, the rest is handed back and not sent by this instance when the send returns', async () => {
    for (const name of ['first', 'second', 'third']) await queue(`${name}@example.com`, '400000');
    smtp.setReplyDelay(1500);
    const worker = dispatcher();
    const draining = worker.drainOnce();
    await smtp.waitFor((m) => m.to.includes('first@example.com'));
    // The first send waits for the server's answer; the other two are claimed, waiting their turn.
    await worker.stop(100);
    const handedBack = await db.selectFrom('outbox').select(['to_address', 'status', 'claimed_until']).where('to_address', '!=', 'first@example.com').execute();
    assert.deepEqual(handedBack.map((r) => [r.status, r.claimed_until]), [['pending', null], ['pending', null]], 'the two unsent messages are back in the outbox');
    smtp.setReplyDelay(0);
    await draining;
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(smtp.messages.map((m) => m.to.join(',')), ['first@example.com'], 'only the message in flight was sent');
    const rows = await db.selectFrom('outbox').select(['to_address', 'status']).orderBy('to_address').execute();
    assert.deepEqual(rows.map((r) => [r.to_address, r.status]), [['first@example.com', 'sent'], ['second@example.com', 'pending'], ['third@example.com', 'pending']]);
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
