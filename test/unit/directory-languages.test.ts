import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillTemplate } from '../../src/email/templates/fill-template.ts';
import { unknownVariables } from '../../src/email/templates/template-variables.ts';
import { negotiateLocale, offeredLocale, translator } from '../../src/i18n/i18n.ts';
import { placeholderDifference } from '../../src/i18n/placeholders.ts';

describe('languages per directory', () => {
  const offered = ['en', 'de'] as const;

  it('negotiation picks only offered languages, in the order ui_locales, cookie, Accept-Language, default', () => {
    assert.equal(negotiateLocale({ uiLocales: 'es fr de', fallback: 'en', offered }), 'de');
    assert.equal(negotiateLocale({ remembered: 'nl', acceptLanguage: 'es-ES, de;q=0.5', fallback: 'en', offered }), 'de');
    assert.equal(negotiateLocale({ acceptLanguage: 'es-ES, fr;q=0.5', fallback: 'de', offered }), 'de');
    assert.equal(negotiateLocale({ acceptLanguage: 'es-ES', fallback: 'en' }), 'es', 'every language when the set is not given');
  });

  it("an account's stored language is used only while the directory offers it", () => {
    assert.equal(offeredLocale({ offered, fallback: 'en' }, 'de', 'en'), 'de');
    assert.equal(offeredLocale({ offered, fallback: 'en' }, 'es', 'de'), 'de');
    assert.equal(offeredLocale({ offered, fallback: 'en' }, null, 'fr'), 'en');
  });

  it('an override wins over the catalog and keeps its placeholders filled', () => {
    const t = translator('en', { email_code_expires: 'Valid {minutes} min at {directory}.' });
    assert.equal(t('email_code_expires', { minutes: 5, directory: 'Contoso' }), 'Valid 5 min at Contoso.');
    assert.equal(t('sign_in_title'), 'Sign in');
  });

  it('placeholder differences name what is missing and what is invented', () => {
    assert.deepEqual(placeholderDifference('In {minutes} at {directory}', 'At {directory} {when}'), { missing: ['minutes'], unknown: ['when'] });
    assert.deepEqual(placeholderDifference('In {minutes}', 'Dans {minutes}'), { missing: [], unknown: [] });
  });

  it('templates: values escaped in HTML only, subjects on one line, unknown variables found', () => {
    const values = { code: '123456', expiresInMinutes: '10', displayName: 'A <b>&</b>', signInUrl: 'https://x.test/?a=1&b=2', directoryName: 'D', supportContact: '', changedAt: '', howChanged: '', resetUrl: '' };
    const mail = fillTemplate({ subject: 'Hi {{displayName}}\r\nBcc: x', html: '<a href="{{signInUrl}}">{{ displayName }}</a>', text: '{{displayName}} {{code}}' }, values);
    assert.equal(mail.subject, 'Hi A <b>&</b> Bcc: x');
    assert.equal(mail.html, '<a href="https://x.test/?a=1&#38;b=2">A &#60;b&#62;&#38;&#60;/b&#62;</a>');
    assert.equal(mail.text, 'A <b>&</b> 123456');
    assert.deepEqual(unknownVariables('sign_up_code', '{{code}} {{displayName}}', '{{ password }}'), ['displayName', 'password']);
  });
});
