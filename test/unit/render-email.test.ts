import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_BRANDING } from '../../src/directories/branding.ts';
import { renderEmail } from '../../src/email/templates/render-email.ts';
import type { Directory, Locale, OutboxMessage } from '../../src/storage/schema.ts';

const directory: Directory = {
  id: 'd', slug: 'default', display_name: 'Contoso', sign_in_identifier: 'email', reset_scope: 'all',
  default_locale: 'en', support_contact: null, created_at: new Date(), updated_at: new Date(), ...DEFAULT_BRANDING,
  offered_locales: ['en', 'fr', 'nl', 'de', 'es'], texts_version: 0, mail_from_name: null, mail_reply_to: null,
};

function message(template: string, locale: Locale, payload: Record<string, unknown>): OutboxMessage {
  return {
    id: '1', directory_id: 'd', template, locale, to_address: 'a@example.com', payload, status: 'pending', attempts: 0,
    next_attempt_at: new Date(), claimed_until: null, last_error: null, sent_at: null, run_id: null, created_at: new Date('2026-11-22T10:00:00Z'),
  };
}

describe('email templates', () => {
  it('a reset code mail has the code, its lifetime and the directory name in text and HTML', () => {
    const mail = renderEmail(message('reset_code', 'en', { code: '123456', minutes: 10 }), directory);
    assert.equal(mail.subject, 'Contoso: your code to reset your password');
    for (const body of [mail.text, mail.html]) {
      assert.match(body, /123456/);
      assert.match(body, /10 minutes/);
      assert.match(body, /Contoso/);
    }
  });

  it('speaks the customer language: French and Dutch', () => {
    const fr = renderEmail(message('reset_code', 'fr', { code: '654321', minutes: 10 }), directory);
    assert.match(fr.subject, /réinitialiser votre mot de passe/);
    assert.match(fr.html, /lang="fr"/);
    const nl = renderEmail(message('password_changed', 'nl', { displayName: 'Anna', signInUrl: 'https://login.example.com/d/default/signin', reason: 'reset' }), directory);
    assert.match(nl.subject, /uw wachtwoord is gewijzigd/);
    assert.match(nl.text, /Hallo Anna,/);
    assert.match(nl.text, /22 november 2026/);
  });

  it('R20: the password-changed mail carries no secret and links only to the sign-in page', () => {
    const mail = renderEmail(message('password_changed', 'en', { displayName: 'Ann', signInUrl: 'https://login.example.com/d/default/signin', reason: 'reset' }), directory);
    assert.doesNotMatch(mail.text, /\b\d{6}\b/);
    const urls = [...mail.html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(urls, ['https://login.example.com/d/default/signin']);
  });

  it('escapes what the customer chose, such as a display name, in HTML', () => {
    const mail = renderEmail(message('password_changed', 'en', { displayName: '<img src=x onerror=alert(1)>', signInUrl: 'https://x.example/', reason: 'change' }), directory);
    assert.doesNotMatch(mail.html, /<img/);
    assert.match(mail.html, /&#60;img/);
  });

  it('the "reset not enabled" mail names the support contact, or the administrator without one, in en, fr and nl, and carries no code', () => {
    const cases = [
      ['en', /password reset is not available for your account/, /For help signing in, contact: help desk <x>/],
      ['fr', /n’est pas disponible pour votre compte/, /contactez : help desk <x>/],
      ['nl', /niet beschikbaar voor uw account/, /contact opnemen met: help desk <x>/],
    ] as const;
    for (const [locale, subject, contact] of cases) {
      const mail = renderEmail(message('reset_not_enabled', locale, { displayName: 'Ann', supportContact: 'help desk <x>' }), directory);
      assert.match(mail.subject, subject);
      assert.match(mail.text, contact);
      assert.match(mail.html, /help desk &#60;x&#62;/);
      assert.doesNotMatch(mail.text, /\b\d{6}\b/);
    }
    const without = renderEmail(message('reset_not_enabled', 'en', { displayName: 'Ann', supportContact: '' }), directory);
    assert.match(without.text, /For help signing in, contact your administrator\./);
  });

  it('the reset invitation links only to the reset page, in en, fr and nl', () => {
    for (const [locale, subject] of [['en', /choose a new password/], ['fr', /choisissez un nouveau mot de passe/], ['nl', /kies een nieuw wachtwoord/]] as const) {
      const mail = renderEmail(message('reset_invitation', locale, { displayName: 'Ann', resetUrl: 'https://login.example.com/d/default/reset' }), directory);
      assert.match(mail.subject, subject);
      const urls = [...mail.html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(urls, ['https://login.example.com/d/default/reset']);
    }
  });
});
