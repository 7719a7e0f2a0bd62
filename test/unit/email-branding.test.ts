import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_BRANDING } from '../../src/directories/branding.ts';
import { brandingForEmail } from '../../src/email/templates/email-branding.ts';
import { renderEmail } from '../../src/email/templates/render-email.ts';
import { createLinks } from '../../src/http/links.ts';
import type { Directory, OutboxMessage } from '../../src/storage/schema.ts';

const plain: Directory = {
  id: 'd', slug: 'contoso', display_name: 'Contoso', sign_in_identifier: 'email', reset_scope: 'all',
  default_locale: 'en', support_contact: null, created_at: new Date(), updated_at: new Date(), ...DEFAULT_BRANDING,
  offered_locales: ['en', 'fr', 'nl', 'de', 'es'], texts_version: 0, mail_from_name: null, mail_reply_to: null,
};
const branded: Directory = { ...plain, brand_logo: 'a'.repeat(64), brand_primary_color: '#7a1fa2', support_contact: '+44 20 7946 0000' };
const message: OutboxMessage = {
  id: '1', directory_id: 'd', template: 'reset_code', locale: 'fr', to_address: 'a@example.com', payload: { code: '123456', minutes: 10 },
  status: 'pending', attempts: 0, next_attempt_at: new Date(), claimed_until: null, last_error: null, sent_at: null, run_id: null, created_at: new Date(),
};
const links = createLinks(new URL('https://id.example.com/'));

describe('email branding', () => {
  it('R14: the logo is an absolute URL on PUBLIC_URL; the colour and the support contact reach HTML and text', () => {
    const mail = renderEmail(message, branded, undefined, { brand: brandingForEmail(branded, links) });
    assert.ok(mail.html.includes(`<img src="https://id.example.com/d/contoso/branding/${'a'.repeat(64)}" alt="Contoso"`));
    assert.match(mail.html, /color:#7a1fa2/);
    assert.match(mail.html, /Besoin d’aide \? Contactez \+44 20 7946 0000\./);
    assert.match(mail.text, /Besoin d’aide \? Contactez \+44 20 7946 0000\./);
  });

  it('an unbranded directory: its name as the heading in the default colour, no image, no support line', () => {
    const mail = renderEmail(message, plain, undefined, { brand: brandingForEmail(plain, links) });
    assert.doesNotMatch(mail.html, /<img/);
    assert.match(mail.html, /color:#0b5cad">Contoso</);
    assert.doesNotMatch(mail.text + mail.html, /Besoin d’aide/);
  });
});
