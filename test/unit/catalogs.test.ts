import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalogs } from '../../src/i18n/catalogs/index.ts';
import { LOCALES } from '../../src/i18n/i18n.ts';
import { placeholdersOf } from '../../src/i18n/placeholders.ts';

describe('message catalogs', () => {
  const english = Object.keys(catalogs.en).sort();

  it('offers English, French, Dutch, German and Spanish', () => {
    assert.deepEqual([...LOCALES].sort(), ['de', 'en', 'es', 'fr', 'nl']);
  });

  for (const locale of LOCALES) {
    it(`${locale}: has every key, each with text and with the same placeholders as English`, () => {
      const catalog = catalogs[locale];
      assert.deepEqual(Object.keys(catalog).sort(), english);
      for (const key of english) {
        const text = catalog[key as keyof typeof catalog];
        assert.ok(text.trim().length > 0, `${locale}.${key} is empty`);
        assert.deepEqual(placeholdersOf(text), placeholdersOf(catalogs.en[key as keyof typeof catalog]), `${locale}.${key}`);
      }
    });
  }

  it('German and Spanish are translations, not English copies', () => {
    // A few words every language spells differently; an untranslated catalog would repeat English.
    for (const locale of ['de', 'es'] as const) {
      const same = english.filter((key) => catalogs[locale][key as keyof typeof catalogs.en] === catalogs.en[key as keyof typeof catalogs.en]);
      assert.ok(same.length <= 3, `${locale} repeats English for ${same.join(', ')}`);
    }
  });
});
