import type { Kysely } from 'kysely';

// A directory's support contact (an address, a URL or a phone number, as the administrator writes it):
// shown on customer pages and in mails that must send the customer to a person.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('directories').addColumn('support_contact', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('directories').dropColumn('support_contact').execute();
}
