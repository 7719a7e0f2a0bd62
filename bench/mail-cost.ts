// `npm run bench:mail`: the CPU one reset mail costs the sending process, in three parts measured apart:
// rendering it (Latchkey's templates), composing it as MIME (src/email/mime-message.ts), and the whole
// send over a pooled SMTP connection (composing included). Composing through nodemailer's MailComposer,
// and sending through nodemailer's pooled transport, which Latchkey used before, are measured beside
// them for comparison. The SMTP server runs in a child process so that its
// work is not counted. These are the parts of the dispatcher's share of "server CPU per reset request".
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { pino } from 'pino';
import { DEFAULT_BRANDING } from '../src/directories/branding.ts';
import { createMailTransport } from '../src/email/mail-transport.ts';
import { composeMime } from '../src/email/mime-message.ts';
import { renderEmail } from '../src/email/templates/render-email.ts';
import type { Directory, OutboxMessage } from '../src/storage/schema.ts';

const MAILS = Number(process.env.BENCH_MAILS ?? 3000);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const directory: Directory = {
  id: 'd', slug: 'default', display_name: 'Contoso', sign_in_identifier: 'email', reset_scope: 'all',
  default_locale: 'en', support_contact: null, created_at: new Date(), updated_at: new Date(), ...DEFAULT_BRANDING,
  offered_locales: ['en', 'fr', 'nl', 'de', 'es'], texts_version: 0, mail_from_name: null, mail_reply_to: null,
};

const message = (i: number): OutboxMessage => ({
  id: String(i), directory_id: 'd', template: 'reset_code', locale: i % 2 ? 'fr' : 'en', to_address: `bench-${i}@bench.test`,
  payload: { code: String(100000 + (i % 900000)), minutes: 10, displayName: `Bench ${i}` }, status: 'pending', attempts: 1,
  next_attempt_at: new Date(), claimed_until: null, last_error: null, sent_at: null, run_id: null, created_at: new Date(),
});

const rendered = (i: number) => ({
  from: { name: 'Contoso', address: 'no-reply@example.com' },
  to: `bench-${i}@bench.test`,
  messageId: `<outbox-${i}@latchkey>`,
  ...renderEmail(message(i), directory, undefined, { signInUrl: 'https://login.example.com/d/default/signin' }),
});

/** CPU milliseconds per call of `work`, after a warm-up of a tenth as many calls. */
async function cpuPerCall(work: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < MAILS / 10; i++) await work(i);
  const before = process.cpuUsage();
  for (let i = 0; i < MAILS; i++) await work(i);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / MAILS;
}

const sink = spawn(process.execPath, ['--import', 'tsx', '-e', "const { startSmtpSink } = await import('./test/support/smtp-sink.ts'); console.log((await startSmtpSink()).url);"], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
try {
  const smtpUrl = await new Promise<string>((resolve) => sink.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  const transport = createMailTransport({ smtpUrl, logger: pino({ level: 'warn' }) });
  const render = await cpuPerCall((i) => rendered(i));
  const compose = await cpuPerCall((i) => composeMime(rendered(i)));
  const mailComposer = await cpuPerCall(async (i) => new MailComposer(rendered(i)).compile().build());
  const send = await cpuPerCall(async (i) => transport.send(rendered(i)));
  await transport.close();
  const pooledTransport = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: 4, maxMessages: 500 });
  const nodemailerSend = await cpuPerCall((i) => pooledTransport.sendMail(rendered(i)));
  pooledTransport.close();
  const f = (x: number) => x.toFixed(3);
  process.stdout.write(`| Part of one reset mail | CPU ms |
|---|---|
| Rendering (templates, text and HTML) | ${f(render)} |
| Rendering + composing MIME | ${f(compose)} |
| (for comparison: rendering + composing with nodemailer's MailComposer) | ${f(mailComposer)} |
| Rendering + the whole send over a pooled SMTP connection | ${f(send)} |
| (for comparison: rendering + the whole send through nodemailer's pooled transport) | ${f(nodemailerSend)} |

${MAILS} mails each, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, Node ${process.version}, load average ${os.loadavg()[0]?.toFixed(1)}
`);
} finally {
  sink.kill();
}
