import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPassword, MAX_PASSWORD_LENGTH, normalizePassword } from '../../src/domain/password-policy.ts';
import { translator } from '../../src/i18n/i18n.ts';

// The one policy sign-up, reset and change share, as sign-up calls it.

const context = { minLength: 8, identifiers: ['ada.lovelace@example.com', 'countess', 'Ada Lovelace'], directoryName: 'Harbour Club' };
const check = (password: string, confirmation?: string, minLength = 8) => checkPassword(password, confirmation, { ...context, minLength });

describe('password policy', () => {
  it('P1: at least 8 characters, counted as a person counts them; the minimum can be raised', () => {
    assert.equal(check('seven77'), 'password_too_short');
    assert.equal(check('eight888'), undefined);
    assert.equal(check('🐙🐙🐙🐙🐙🐙🐙🐙'), undefined, '8 emoji are 8 characters, not 16 UTF-16 units');
    assert.equal(check('eight888', undefined, 12), 'password_too_short');
  });

  it('P2: 64 and 256 characters are accepted; 257 is rejected, not truncated', () => {
    assert.equal(check('k9'.repeat(32)), undefined);
    assert.equal(check('k9'.repeat(128)), undefined);
    assert.equal(MAX_PASSWORD_LENGTH, 256);
    assert.equal(check(`${'k9'.repeat(128)}x`), 'password_too_long');
  });

  it('P3: composed and decomposed forms are one password', () => {
    const composed = 'Crème brûlée';
    assert.equal(normalizePassword(composed.normalize('NFD')), normalizePassword(composed));
    assert.equal(check('Crème brûlée 42', 'Crème brûlée 42'.normalize('NFD')), undefined, 'a decomposed confirmation matches');
  });

  it('P4: common passwords, the account’s own identifiers and the directory’s name are refused', () => {
    assert.equal(check('password1'), 'password_common');
    assert.equal(check('PassWord123'), 'password_common', 'case does not help');
    assert.equal(check('my ada.lovelace@example.com'), 'password_contains_identifier');
    assert.equal(check('ada.lovelace 1815'), 'password_contains_identifier', 'the local part of the email');
    assert.equal(check('the countess rules'), 'password_contains_identifier', 'the username');
    assert.equal(check('ADA LOVELACE forever'), 'password_contains_identifier', 'the display name');
    assert.equal(check('harbourclub 2030'), 'password_contains_directory');
    assert.equal(check('a quiet harbour at dusk'), undefined);
  });

  it('P4: the page can say why: every problem is a catalog key in English, French and Dutch', () => {
    for (const locale of ['en', 'fr', 'nl'] as const) {
      const t = translator(locale);
      for (const problem of ['password_too_short', 'password_too_long', 'password_common', 'password_contains_identifier', 'password_contains_directory', 'password_mismatch'] as const) {
        const text = t(problem, { min: 8, max: 256 });
        assert.notEqual(text, problem);
        assert.ok(!text.includes('{'), text);
      }
    }
  });

  it('a confirmation that differs is reported', () => {
    assert.equal(check('a quiet harbour at dusk', 'a quiet harbour at dawn'), 'password_mismatch');
  });
});
