import { sql, type Kysely } from 'kysely';
import type { EmailTemplate } from '../email/outbox.ts';
import type { MessageKey } from '../i18n/i18n.ts';
import type { Database, Locale } from '../storage/schema.ts';

// Writes to a directory's languages, overrides, templates and sender. Each raises the directory's
// texts_version in the same transaction as the change, which is what tells every instance's cache
// (directory-texts.ts) to reload: a change and its version can never be seen apart.

export interface TextSettingsStore {
  setLanguages(directoryId: string, offered: readonly Locale[], defaultLocale: Locale): Promise<void>;
  setOverride(directoryId: string, locale: Locale, key: MessageKey, text: string): Promise<void>;
  /** False when there was no override to remove. */
  removeOverride(directoryId: string, locale: Locale, key: MessageKey): Promise<boolean>;
  saveTemplate(directoryId: string, template: EmailTemplate, locale: Locale, content: { subject: string; html: string; text: string }): Promise<void>;
  removeTemplate(directoryId: string, template: EmailTemplate, locale: Locale): Promise<boolean>;
  setSender(directoryId: string, sender: { fromName: string | null; replyTo: string | null }): Promise<void>;
}

export function createTextSettingsStore(trx: Kysely<Database>): TextSettingsStore {
  const bump = (directoryId: string, set: Partial<{ offered_locales: Locale[]; default_locale: Locale; mail_from_name: string | null; mail_reply_to: string | null }> = {}) =>
    trx
      .updateTable('directories')
      .set({ ...set, texts_version: sql<number>`texts_version + 1`, updated_at: new Date() })
      .where('id', '=', directoryId)
      .execute();

  return {
    async setLanguages(directoryId, offered, defaultLocale) {
      await bump(directoryId, { offered_locales: [...offered], default_locale: defaultLocale });
    },
    async setOverride(directoryId, locale, key, text) {
      await trx
        .insertInto('text_overrides')
        .values({ directory_id: directoryId, locale, key, text })
        .onConflict((oc) => oc.columns(['directory_id', 'locale', 'key']).doUpdateSet({ text, updated_at: new Date() }))
        .execute();
      await bump(directoryId);
    },
    async removeOverride(directoryId, locale, key) {
      const removed = await trx.deleteFrom('text_overrides').where('directory_id', '=', directoryId).where('locale', '=', locale).where('key', '=', key).executeTakeFirst();
      if (removed.numDeletedRows === 0n) return false;
      await bump(directoryId);
      return true;
    },
    async saveTemplate(directoryId, template, locale, content) {
      await trx
        .insertInto('email_templates')
        .values({ directory_id: directoryId, template, locale, ...content })
        .onConflict((oc) => oc.columns(['directory_id', 'template', 'locale']).doUpdateSet({ ...content, updated_at: new Date() }))
        .execute();
      await bump(directoryId);
    },
    async removeTemplate(directoryId, template, locale) {
      const removed = await trx.deleteFrom('email_templates').where('directory_id', '=', directoryId).where('template', '=', template).where('locale', '=', locale).executeTakeFirst();
      if (removed.numDeletedRows === 0n) return false;
      await bump(directoryId);
      return true;
    },
    async setSender(directoryId, sender) {
      await bump(directoryId, { mail_from_name: sender.fromName, mail_reply_to: sender.replyTo });
    },
  };
}
