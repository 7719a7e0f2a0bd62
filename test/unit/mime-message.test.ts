import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { composeMime } from '../../src/email/mime-message.ts';

// The MIME writer is read back by mailparser, the parser the SMTP sink of the end-to-end tests uses and a
// stand-in for the mail clients customers read codes in.

const base = {
  from: { name: 'Contoso', address: 'no-reply@contoso.example' },
  to: 'ana@example.com',
  subject: 'Your code',
  text: 'Hello,\n\nYour code is 123456.\n',
  html: '<p>Your code is <b>123456</b>.</p>',
  messageId: '<outbox-42@latchkey>',
};

describe('composeMime', () => {
  it('writes a message that parses back to the same headers and both alternatives', async () => {
    const date = new Date('2026-11-30T12:00:00Z');
    const { raw, envelope } = composeMime({ ...base, replyTo: 'Support <help@contoso.example>', date });
    const mail = await simpleParser(raw);
    assert.equal(mail.from?.value[0]?.name, 'Contoso');
    assert.equal(mail.from?.value[0]?.address, 'no-reply@contoso.example');
    assert.equal(mail.replyTo?.value[0]?.address, 'help@contoso.example');
    assert.deepEqual(Array.isArray(mail.to) ? [] : mail.to?.value.map((v) => v.address), ['ana@example.com']);
    assert.equal(mail.subject, 'Your code');
    assert.equal(mail.messageId, '<outbox-42@latchkey>');
    assert.equal(mail.date?.toISOString(), date.toISOString());
    assert.equal(mail.text?.replace(/\r\n/g, '\n').trim(), base.text.trim());
    assert.equal(mail.html, base.html);
    assert.deepEqual(envelope, { from: 'no-reply@contoso.example', to: ['ana@example.com'] });
  });

  it('keeps French and Dutch text, and a name with quotes, commas and accents, intact', async () => {
    const text = 'Bonjour Zoë,\r\nVotre code : 654321 — valable 10 minutes.\nÉcrivez-nous. Één keer.';
    const { raw } = composeMime({
      ...base,
      from: { name: 'Café "Contoso", Inc.', address: 'no-reply@contoso.example' },
      subject: 'Réinitialisez votre mot de passe — Contoso, voor één keer '.repeat(3),
      text,
      html: `<p>${'é'.repeat(500)}</p>`,
    });
    assert.match(raw, /^[\x00-\x7f]*$/, 'the message is 7-bit');
    assert.ok(raw.split('\r\n').every((line) => line.length <= 78), 'no line longer than 78 characters');
    const mail = await simpleParser(raw);
    assert.equal(mail.from?.value[0]?.name, 'Café "Contoso", Inc.');
    assert.equal(mail.from?.value[0]?.address, 'no-reply@contoso.example');
    assert.equal(mail.subject, 'Réinitialisez votre mot de passe — Contoso, voor één keer '.repeat(3));
    assert.equal(mail.text?.replace(/\r\n/g, '\n').trim(), text.replace(/\r\n/g, '\n'));
    assert.equal(mail.html, `<p>${'é'.repeat(500)}</p>`);
  });

  it('R10: a line break in a subject or name adds no header and no recipient', async () => {
    const { raw, envelope } = composeMime({
      ...base,
      from: { name: 'Contoso\r\nBcc: thief@evil.example', address: 'no-reply@contoso.example' },
      subject: 'Code\r\nBcc: thief@evil.example\r\n\r\nforged body',
    });
    const mail = await simpleParser(raw);
    assert.equal(mail.bcc, undefined);
    assert.equal(mail.headers.has('bcc'), false);
    assert.doesNotMatch(raw, /^Bcc:/im);
    assert.equal(mail.text?.trim(), base.text.trim());
    assert.deepEqual(envelope.to, ['ana@example.com']);
  });

  it('punycodes an internationalised domain in the header and the envelope', async () => {
    const { raw, envelope } = composeMime({ ...base, to: 'ana@jõgeva.example' });
    assert.deepEqual(envelope.to, ['ana@xn--jgeva-dua.example']);
    assert.match(raw, /^To: ana@xn--jgeva-dua\.example\r$/m);
  });

  it('takes a configured sender written as "Name <address>"', async () => {
    const { envelope, raw } = composeMime({ ...base, from: 'Latchkey <no-reply@localhost>' });
    assert.equal(envelope.from, 'no-reply@localhost');
    assert.match(raw, /^From: Latchkey <no-reply@localhost>\r$/m);
  });
});
