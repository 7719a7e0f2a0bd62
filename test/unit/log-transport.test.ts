import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { createMailTransport } from '../../src/email/mail-transport.ts';

describe('mail without an SMTP server', () => {
  it('writes the whole message, code included, to the log so a trial install is usable', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const transport = createMailTransport({ smtpUrl: undefined, logger: pino({ level: 'info' }, sink) });
    assert.equal(transport.kind, 'log');
    await transport.send({ from: 'a@x.test', to: 'b@x.test', subject: 'Your code', text: 'Your code: 918273', html: '<p>918273</p>', messageId: '<1@x>' });
    const entry = JSON.parse(lines.join('')) as { msg: string; mail: { to: string; subject: string } };
    assert.match(entry.msg, /918273/);
    assert.match(entry.msg, /SMTP_URL is not set/);
    assert.deepEqual(entry.mail, { to: 'b@x.test', subject: 'Your code' });
  });

  it('uses SMTP when SMTP_URL is set', () => {
    const transport = createMailTransport({ smtpUrl: 'smtp://127.0.0.1:2525', logger: pino({ level: 'silent' }) });
    assert.equal(transport.kind, 'smtp');
  });
});
