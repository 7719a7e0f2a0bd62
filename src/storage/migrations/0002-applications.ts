import { type Kysely, sql } from 'kysely';

// Applications (OpenID Connect clients), user flows, the provider's own storage and signing keys, and
// "Run now" runs with the outbox rows they caused (the test inbox).

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('user_flows')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('directory_id', 'uuid', (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    // B2C's policy names are case-insensitive (`p=b2c_1_signin` finds `B2C_1_signin`).
    .addColumn('name_canonical', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) =>
      c.notNull().check(sql`type in ('sign_up_sign_in', 'sign_in', 'password_reset', 'profile_edit')`),
    )
    .addColumn('password_reset', 'text', (c) =>
      c.notNull().defaultTo('directory').check(sql`password_reset in ('directory', 'on', 'off')`),
    )
    .addColumn('collected_attributes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{display_name}'`))
    .addColumn('token_claims', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{email,email_verified,name}'`))
    .addColumn('default_locale', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('user_flows_directory_name_unique', ['directory_id', 'name_canonical'])
    .execute();

  await db.schema
    .createTable('applications')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('directory_id', 'uuid', (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('redirect_uris', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('post_logout_redirect_uris', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('client_type', 'text', (c) => c.notNull().check(sql`client_type in ('public', 'confidential')`))
    // SHA-256 of a 256-bit random secret: shown once at creation or rotation, never stored in clear.
    .addColumn('secret_hash', 'text')
    .addColumn('secret_created_at', 'timestamptz')
    // Names of the user flows this application may start; empty means none.
    .addColumn('allowed_user_flows', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    // Latchkey's own test application behind "Run now"; one per directory, not deletable.
    .addColumn('built_in', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('applications_directory').on('applications').column('directory_id').execute();
  await sql`CREATE UNIQUE INDEX applications_built_in ON applications (directory_id) WHERE built_in`.execute(db);

  // oidc-provider's adapter rows: one table for every model, keyed by (model, id).
  await db.schema
    .createTable('oidc_payloads')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('directory_id', 'uuid', (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('uid', 'text')
    .addColumn('user_code', 'text')
    .addColumn('account_id', 'uuid')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('consumed_at', 'timestamptz')
    .addPrimaryKeyConstraint('oidc_payloads_pk', ['model', 'id'])
    .execute();
  await db.schema.createIndex('oidc_payloads_grant').on('oidc_payloads').column('grant_id').execute();
  await db.schema.createIndex('oidc_payloads_uid').on('oidc_payloads').column('uid').execute();
  // Revoking every token of an account after a reset (R18) must not scan the table.
  await db.schema.createIndex('oidc_payloads_account').on('oidc_payloads').columns(['account_id', 'model']).execute();
  await db.schema.createIndex('oidc_payloads_expires').on('oidc_payloads').column('expires_at').execute();

  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('directory_id', 'uuid', (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('algorithm', 'text', (c) => c.notNull())
    // The private JWK, sealed with a key derived from the instance key; the public half in clear.
    .addColumn('private_jwk_sealed', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Set on rotation: the key stops signing but stays published until its tokens have expired.
    .addColumn('retired_at', 'timestamptz')
    .addColumn('unpublish_after', 'timestamptz')
    .execute();
  await db.schema.createIndex('signing_keys_directory').on('signing_keys').columns(['directory_id', 'created_at']).execute();

  await db.schema
    .createTable('flow_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('directory_id', 'uuid', (c) => c.notNull().references('directories.id').onDelete('cascade'))
    .addColumn('user_flow_id', 'uuid', (c) => c.notNull().references('user_flows.id').onDelete('cascade'))
    .addColumn('application_id', 'uuid', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('admin_id', 'uuid', (c) => c.references('admins.id').onDelete('set null'))
    // The run is named in the authorize request by a secret, stored hashed, so nobody else can route
    // their mail into an administrator's test inbox or read it there.
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .alterTable('outbox')
    .addColumn('run_id', 'uuid', (c) => c.references('flow_runs.id').onDelete('set null'))
    .execute();
  await sql`CREATE INDEX outbox_run ON outbox (run_id, created_at) WHERE run_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('run_id').execute();
  for (const table of ['flow_runs', 'signing_keys', 'oidc_payloads', 'applications', 'user_flows']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
