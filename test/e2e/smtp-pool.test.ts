import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { composeMime } from '../../src/email/mime-message.ts';
import { createSmtpPool } from '../../src/email/smtp-pool.ts';

// The pool against a real SMTP server (smtp-server, in-process): connections reused and bounded, the
// URL's credentials used, a connection the server dropped replaced, and a refused message reported
// without harming the next one.

interface Server {
  readonly port: number;
  readonly received: Array<{ to: string[]; subject: string }>;
  readonly connections: () => number;
  /** Refuse the next messages with this SMTP reply code. */
  refuseNext(count: number, code: number): void;
  close(): Promise<void>;
}

async function startServer(extra: Partial<SMTPServerOptions> = {}): Promise<Server> {
  const received: Array<{ to: string[]; subject: string }> = [];
  let connections = 0;
  let refusals = { count: 0, code: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onData(stream, session, callback) {
      if (refusals.count > 0) {
        refusals.count -= 1;
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('refused'), { responseCode: refusals.code })));
        return;
      }
      simpleParser(stream).then((mail) => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: mail.subject ?? '' });
        callback();
      }, callback);
    },
    ...extra,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    connections: () => connections,
    refuseNext: (count, code) => (refusals = { count, code }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const message = (i: number) =>
  composeMime({ from: { name: 'Contoso', address: 'no-reply@contoso.example' }, to: `c${i}@example.com`, subject: `Message ${i}`, text: `Code ${i}`, html: `<p>Code ${i}</p>`, messageId: `<m-${i}@latchkey>` });

/** Message `i` through a pool of its own, closed afterwards whether or not the send succeeded. */
async function sendOnce(url: string, i: number): Promise<void> {
  const pool = createSmtpPool(url, { maxConnections: 1, maxMessages: 500 });
  try {
    await pool.send(message(i).envelope, message(i).raw);
  } finally {
    pool.close();
  }
}

const servers: Server[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});
async function server(extra: Partial<SMTPServerOptions> = {}): Promise<Server> {
  const s = await startServer(extra);
  servers.push(s);
  return s;
}

describe('SMTP pool', () => {
  it('delivers 30 messages sent at once, each once, over at most 4 reused connections', async () => {
    const s = await server();
    const pool = createSmtpPool(`smtp://127.0.0.1:${s.port}`, { maxConnections: 4, maxMessages: 500 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => message(i)).map((m) => pool.send(m.envelope, m.raw)));
    pool.close();
    assert.equal(s.received.length, 30);
    assert.deepEqual(s.received.map((r) => r.subject).sort(), Array.from({ length: 30 }, (_, i) => `Message ${i}`).sort());
    assert.ok(s.received.every((r, _, all) => r.to.length === 1 && all.filter((o) => o.to[0] === r.to[0]).length === 1));
    assert.ok(s.connections() >= 1 && s.connections() <= 4, `${s.connections()} connections`);
  });

  it('retires a connection after maxMessages and opens another', async () => {
    const s = await server();
    const pool = createSmtpPool(`smtp://127.0.0.1:${s.port}`, { maxConnections: 1, maxMessages: 2 });
    for (let i = 0; i < 5; i++) await pool.send(message(i).envelope, message(i).raw);
    pool.close();
    assert.equal(s.received.length, 5);
    assert.equal(s.connections(), 3);
  });

  it('signs in with the credentials in the URL, and reports a wrong password as a failed send', async () => {
    const s = await server({
      authOptional: false,
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        if (auth.username === 'mailer' && auth.password === 's3cret/+') callback(null, { user: 'mailer' });
        else callback(new Error('bad credentials'));
      },
    });
    await sendOnce(`smtp://mailer:${encodeURIComponent('s3cret/+')}@127.0.0.1:${s.port}`, 1);
    await assert.rejects(sendOnce(`smtp://mailer:wrong@127.0.0.1:${s.port}`, 2));
    assert.deepEqual(s.received.map((r) => r.subject), ['Message 1']);
  });

  it('upgrades with STARTTLS before signing in, as on a submission port (587), and speaks smtps:// (465)', async () => {
    // smtp-server's built-in test certificate is self-signed: the URL says so, as an operator would.
    const onAuth: SMTPServerOptions['onAuth'] = (auth, session, callback) =>
      session.secure && auth.username === 'mailer' && auth.password === 'pw' ? callback(null, { user: 'mailer' }) : callback(new Error('refused'));
    const submission = await server({ disabledCommands: [], authOptional: false, onAuth });
    await sendOnce(`smtp://mailer:pw@127.0.0.1:${submission.port}?tls.rejectUnauthorized=false`, 1);
    // Without the certificate exception the upgrade fails, and nothing is sent in the clear.
    await assert.rejects(sendOnce(`smtp://mailer:pw@127.0.0.1:${submission.port}`, 2));
    assert.deepEqual(submission.received.map((r) => r.subject), ['Message 1']);

    const implicit = await server({ secure: true, disabledCommands: [], authOptional: false, onAuth });
    await sendOnce(`smtps://mailer:pw@127.0.0.1:${implicit.port}?tls.rejectUnauthorized=false`, 3);
    assert.deepEqual(implicit.received.map((r) => r.subject), ['Message 3']);
  });

  it('replaces a connection the server closed while it was idle', async () => {
    const s = await server({ socketTimeout: 300 });
    const pool = createSmtpPool(`smtp://127.0.0.1:${s.port}`, { maxConnections: 1, maxMessages: 500 });
    await pool.send(message(1).envelope, message(1).raw);
    await new Promise((resolve) => setTimeout(resolve, 800));
    await pool.send(message(2).envelope, message(2).raw);
    pool.close();
    assert.deepEqual(s.received.map((r) => r.subject), ['Message 1', 'Message 2']);
    assert.equal(s.connections(), 2);
  });

  it('reports a refused message, then sends the next one on a fresh connection', async () => {
    const s = await server();
    const pool = createSmtpPool(`smtp://127.0.0.1:${s.port}`, { maxConnections: 1, maxMessages: 500 });
    s.refuseNext(1, 451);
    await assert.rejects(pool.send(message(1).envelope, message(1).raw), /refused/);
    await pool.send(message(2).envelope, message(2).raw);
    pool.close();
    assert.deepEqual(s.received.map((r) => r.subject), ['Message 2']);
    assert.equal(s.connections(), 2);
  });

  it('fails a send cleanly when nothing listens, and refuses sends once closed', async () => {
    const s = await server();
    const port = s.port;
    await s.close();
    servers.splice(servers.indexOf(s), 1);
    const pool = createSmtpPool(`smtp://127.0.0.1:${port}`, { maxConnections: 1, maxMessages: 500 });
    await assert.rejects(pool.send(message(1).envelope, message(1).raw), /ECONNREFUSED|connect/i);
    // The failed connection gave its place back: a second attempt tries again rather than waiting forever.
    await assert.rejects(pool.send(message(2).envelope, message(2).raw), /ECONNREFUSED|connect/i);
    pool.close();
    await assert.rejects(pool.send(message(3).envelope, message(3).raw), /closed/);
  });
});
