import { type Kysely, sql } from 'kysely';

// Company branding per directory: colours, layout, sign-in text, and images kept in the database (so
// every instance serves the same bytes without shared disk), addressed by their SHA-256.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('branding_images')
    .addColumn('directory_id', 'uuid', (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('sha256', 'text', (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('branding_images_pkey', ['directory_id', 'sha256'])
    .execute();

  const colour = (column: string) => sql`${sql.ref(column)} ~ '^#[0-9a-f]{6}$'`;
  await db.schema
    .alterTable('directories')
    .addColumn('brand_layout', 'text', (c) => c.notNull().defaultTo('classic').check(sql`brand_layout in ('classic', 'split')`))
    .addColumn('brand_primary_color', 'text', (c) => c.check(colour('brand_primary_color')))
    .addColumn('brand_background_color', 'text', (c) => c.check(colour('brand_background_color')))
    .addColumn('brand_sign_in_text', 'text', (c) => c.check(sql`char_length(brand_sign_in_text) <= 500`))
    .addColumn('brand_logo', 'text')
    .addColumn('brand_background', 'text')
    .addColumn('brand_favicon', 'text')
    .execute();
  // An image in use cannot be deleted: the clean-up of unused images can never break a page.
  for (const column of ['brand_logo', 'brand_background', 'brand_favicon']) {
    await db.schema
      .alterTable('directories')
      .addForeignKeyConstraint(`directories_${column}_fkey`, ['id', column], 'branding_images', ['directory_id', 'sha256'])
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('directories')
    .dropColumn('brand_layout')
    .dropColumn('brand_primary_color')
    .dropColumn('brand_background_color')
    .dropColumn('brand_sign_in_text')
    .dropColumn('brand_logo')
    .dropColumn('brand_background')
    .dropColumn('brand_favicon')
    .execute();
  await db.schema.dropTable('branding_images').execute();
}
