import { parseConnectionUrl } from 'nodemailer/lib/shared/index.js';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';

// A few SMTP connections, kept open and reused, each carrying one message at a time. The protocol is
// nodemailer's SMTPConnection (EHLO, STARTTLS, AUTH, pipelined envelope, dot-stuffing) and the URL is read
// by nodemailer's own parser, so SMTP_URL means what it meant with nodemailer's pooled transport. What is
// left out is that transport's general machinery — a message object, plugins and a stream pipeline for
// every send — which cost about 0.3 ms of CPU per message: Latchkey's messages arrive composed
// (mime-message.ts), and the outbox already does what a queue in front of the socket would.
//
// A failed send closes its connection instead of reusing it: after an error the session's state is
// unknown. Retrying is the outbox's job, with its backoff; the pool never sends a message twice.

export interface SmtpEnvelope {
  readonly from: string;
  readonly to: readonly string[];
}

export interface SmtpPool {
  send(envelope: SmtpEnvelope, raw: string): Promise<void>;
  /** Ends every connection; sends still waiting for one are refused. */
  close(): void;
}

interface Pooled {
  readonly connection: SMTPConnection;
  sent: number;
  alive: boolean;
}

export function createSmtpPool(url: string, limits: { maxConnections: number; maxMessages: number }): SmtpPool {
  const options = parseConnectionUrl(url);
  const idle: Pooled[] = [];
  const waiting: Array<{ resolve: (pooled: Pooled | undefined) => void; reject: (error: Error) => void }> = [];
  let open = 0;
  let closed = false;

  function connect(): Promise<Pooled> {
    return new Promise((resolve, reject) => {
      const connection = new SMTPConnection(options);
      const pooled: Pooled = { connection, sent: 0, alive: true };
      let settled = false;
      const fail = (error: Error) => {
        pooled.alive = false;
        if (settled) return;
        settled = true;
        connection.close();
        reject(error);
      };
      // Errors while idle (the server dropping a connection it found quiet) only retire the connection;
      // during a send they also arrive through the send's own callback.
      connection.on('error', fail);
      connection.once('end', () => fail(new Error('SMTP connection closed')));
      connection.connect((error) => {
        if (error) return fail(error);
        const ready = () => {
          if (settled) return;
          settled = true;
          resolve(pooled);
        };
        const auth = options.auth;
        if (auth && (auth.user || auth.pass) && connection.allowsAuth) {
          connection.login({ user: auth.user ?? '', pass: auth.pass ?? '' }, (error) => (error ? fail(error) : ready()));
        } else ready();
      });
    });
  }

  /** An idle connection, a new one while under the limit, or the next one released. */
  async function acquire(): Promise<Pooled> {
    for (;;) {
      if (closed) throw new Error('mail transport is closed');
      const pooled = idle.pop();
      if (pooled) {
        if (pooled.alive) return pooled;
        open -= 1;
        continue;
      }
      if (open < limits.maxConnections) {
        open += 1;
        try {
          return await connect();
        } catch (error) {
          open -= 1;
          wakeOne();
          throw error;
        }
      }
      const handed = await new Promise<Pooled | undefined>((resolve, reject) => waiting.push({ resolve, reject }));
      if (handed) return handed;
    }
  }

  /** Gives a waiting send the connection, or (undefined) a turn to open one. */
  function wakeOne(pooled?: Pooled): boolean {
    const next = waiting.shift();
    next?.resolve(pooled);
    return next !== undefined;
  }

  function release(pooled: Pooled, ok: boolean): void {
    pooled.sent += 1;
    if (ok && pooled.alive && !closed && pooled.sent < limits.maxMessages) {
      if (!wakeOne(pooled)) idle.push(pooled);
      return;
    }
    pooled.alive = false;
    open -= 1;
    if (ok) pooled.connection.quit();
    else pooled.connection.close();
    wakeOne();
  }

  return {
    async send(envelope, raw) {
      const pooled = await acquire();
      try {
        await new Promise<void>((resolve, reject) =>
          pooled.connection.send({ from: envelope.from, to: [...envelope.to] }, raw, (error) => (error ? reject(error) : resolve())),
        );
      } catch (error) {
        release(pooled, false);
        throw error;
      }
      release(pooled, true);
    },
    close() {
      closed = true;
      for (const pooled of idle.splice(0)) {
        pooled.alive = false;
        pooled.connection.quit();
      }
      for (const next of waiting.splice(0)) next.reject(new Error('mail transport is closed'));
    },
  };
}
