import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

// Table types for Kysely. Every customer-side row carries directory_id: a directory is a hard boundary.

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type SignInIdentifier = 'email' | 'username';
/** `selected`: only members of the directory's groups marked `reset_allowed` may reset. */
export type ResetScope = 'none' | 'all' | 'selected';
export type Locale = 'en' | 'fr' | 'nl' | 'de' | 'es';

export interface DirectoriesTable extends DirectoryBrandingColumns {
  id: Generated<string>;
  slug: string;
  display_name: string;
  sign_in_identifier: ColumnType<SignInIdentifier, SignInIdentifier | undefined, SignInIdentifier>;
  reset_scope: ColumnType<ResetScope, ResetScope | undefined, ResetScope>;
  default_locale: ColumnType<Locale, Locale | undefined, Locale>;
  /** Where a customer who cannot help themselves is sent: free text (address, URL or phone). */
  support_contact: ColumnType<string | null, string | null | undefined, string | null>;
  /** The languages customers may see; default_locale is always one of them. */
  offered_locales: ColumnType<Locale[], Locale[] | undefined, Locale[]>;
  /** Raised by every change to languages, overrides, templates or sender: caches compare it. */
  texts_version: ColumnType<number, number | undefined, number>;
  mail_from_name: ColumnType<string | null, string | null | undefined, string | null>;
  mail_reply_to: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface AccountsTable {
  id: Generated<string>;
  directory_id: string;
  /** Canonical (NFKC, case-folded) forms are what uniqueness and look-ups use. */
  email_canonical: string;
  /** The address exactly as the customer verified it: mail always goes here, never to what was typed. */
  email: string;
  email_verified: ColumnType<boolean, boolean | undefined, boolean>;
  username_canonical: string | null;
  username: string | null;
  display_name: string;
  password_hash: string;
  locale: Locale | null;
  disabled: ColumnType<boolean, boolean | undefined, boolean>;
  failed_sign_ins: ColumnType<number, number | undefined, number>;
  lockouts: ColumnType<number, number | undefined, number>;
  locked_until: NullableTimestamp;
  /** Keyed fingerprints of the last few wrong passwords, so one repeated wrong password counts once. */
  recent_failed_fingerprints: ColumnType<string[], string[] | undefined, string[]>;
  reset_code_failures: ColumnType<number, number | undefined, number>;
  password_changed_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_sign_in_at: NullableTimestamp;
  /** Set by an administrator (R23): the next sign-in leads to a change-password page before anything else. */
  must_change_password: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
}

export interface GroupsTable {
  id: Generated<string>;
  directory_id: string;
  name: string;
  name_canonical: string;
  /** With the directory's reset scope `selected`: members of this group may reset their password. */
  reset_allowed: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
}

export interface GroupMembersTable {
  group_id: string;
  account_id: string;
  added_at: CreatedAt;
}

export interface SessionsTable {
  /** SHA-256 of the cookie value; the value itself is never stored. */
  id_hash: string;
  account_id: string;
  directory_id: string;
  created_at: CreatedAt;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
  ip: string | null;
  user_agent: string | null;
}

export type FlowKind = 'password_reset' | 'sign_up';

export interface FlowsTable {
  id: Generated<string>;
  directory_id: string;
  kind: FlowKind;
  state: string;
  /** SHA-256 of a secret held in the browser's cookie: the flow answers only to the browser that began it. */
  binding_hash: string;
  identifier_canonical: string | null;
  /** What the customer typed, kept so every page can show it back. */
  identifier_input: string | null;
  account_id: string | null;
  code_hmac: string | null;
  code_expires_at: NullableTimestamp;
  code_attempts: ColumnType<number, number | undefined, number>;
  locale: Locale;
  data: ColumnType<Record<string, unknown>, Record<string, unknown> | undefined, Record<string, unknown>>;
  /** The "Run now" run this flow was started in, whose test inbox shows its mail. */
  run_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  expires_at: Timestamp;
}

export interface CodeSendsTable {
  id: Generated<string>;
  directory_id: string;
  /** HMAC of the canonical identifier: the throttle works for unknown identifiers without storing them. */
  identifier_key: string;
  purpose: FlowKind;
  sent_at: CreatedAt;
}

export type OutboxStatus = 'pending' | 'sent' | 'failed';

export interface OutboxTable {
  id: Generated<string>;
  directory_id: string;
  template: string;
  locale: Locale;
  to_address: string;
  payload: ColumnType<Record<string, unknown>, Record<string, unknown>, Record<string, unknown>>;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  claimed_until: NullableTimestamp;
  last_error: string | null;
  sent_at: NullableTimestamp;
  /** Set when the mail was caused by a "Run now" run: it is then shown in that run's test inbox. */
  run_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
}

export interface AuditEventsTable {
  id: Generated<string>;
  directory_id: string | null;
  account_id: string | null;
  admin_id: string | null;
  type: string;
  outcome: string;
  ip: string | null;
  user_agent: string | null;
  detail: ColumnType<Record<string, unknown>, Record<string, unknown> | undefined, never>;
  created_at: CreatedAt;
}

export interface AdminsTable {
  id: Generated<string>;
  email_canonical: string;
  email: string;
  password_hash: string;
  /** False: the administrator sees only the directories listed in admin_directories. */
  all_directories: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
}

export interface AdminDirectoriesTable {
  admin_id: string;
  directory_id: string;
}

export interface InstallationSettingsTable {
  name: string;
  value: ColumnType<unknown, string, string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface MailboxTable {
  id: Generated<string>;
  directory_id: string | null;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  created_at: CreatedAt;
}

export interface AdminSessionsTable {
  id_hash: string;
  admin_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export interface AdminSetupTokensTable {
  token_hash: string;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface InstanceSecretsTable {
  name: string;
  value: string;
  created_at: CreatedAt;
}

export type UserFlowType = 'sign_up_sign_in' | 'sign_in' | 'password_reset' | 'profile_edit';
/** Whether "Can't access your account?" is offered inside a flow: as the directory says, or forced. */
export type UserFlowPasswordReset = 'directory' | 'on' | 'off';
export type ClientType = 'public' | 'confidential';

export interface UserFlowsTable {
  id: Generated<string>;
  directory_id: string;
  name: string;
  name_canonical: string;
  type: UserFlowType;
  password_reset: ColumnType<UserFlowPasswordReset, UserFlowPasswordReset | undefined, UserFlowPasswordReset>;
  collected_attributes: ColumnType<string[], string[] | undefined, string[]>;
  token_claims: ColumnType<string[], string[] | undefined, string[]>;
  default_locale: Locale | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ApplicationsTable {
  id: Generated<string>;
  directory_id: string;
  client_id: string;
  display_name: string;
  redirect_uris: ColumnType<string[], string[] | undefined, string[]>;
  post_logout_redirect_uris: ColumnType<string[], string[] | undefined, string[]>;
  client_type: ClientType;
  secret_hash: string | null;
  secret_created_at: NullableTimestamp;
  allowed_user_flows: ColumnType<string[], string[] | undefined, string[]>;
  built_in: ColumnType<boolean, boolean | undefined, never>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface OidcPayloadsTable {
  model: string;
  id: string;
  directory_id: string;
  payload: ColumnType<Record<string, unknown>, Record<string, unknown>, Record<string, unknown>>;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  account_id: string | null;
  expires_at: NullableTimestamp;
  consumed_at: NullableTimestamp;
}

export interface SigningKeysTable {
  kid: string;
  directory_id: string;
  algorithm: string;
  private_jwk_sealed: string;
  public_jwk: ColumnType<Record<string, unknown>, Record<string, unknown>, never>;
  created_at: CreatedAt;
  retired_at: NullableTimestamp;
  unpublish_after: NullableTimestamp;
}

export interface FlowRunsTable {
  id: Generated<string>;
  directory_id: string;
  user_flow_id: string;
  application_id: string;
  redirect_uri: string;
  admin_id: string | null;
  key_hash: string;
  state_hash: string | null;
  nonce: string | null;
  pkce_verifier_sealed: string | null;
  ui_locales: string | null;
  authorize_url_sealed: string | null;
  completed_at: NullableTimestamp;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

/** A message a "Run now" run caused, as rendered, sealed: the run's test inbox. */
export interface FlowRunMessagesTable {
  id: Generated<string>;
  run_id: string;
  outbox_id: string;
  to_address: string;
  template: string;
  content_sealed: string;
  created_at: CreatedAt;
}

export type BrandLayout = 'classic' | 'split';
type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** A directory's look (migration 0040); null means Latchkey's default. Images are branding_images.sha256. */
export interface DirectoryBrandingColumns {
  brand_layout: ColumnType<BrandLayout, BrandLayout | undefined, BrandLayout>;
  /** #rrggbb, lower case. */
  brand_primary_color: Nullable<string>;
  brand_background_color: Nullable<string>;
  brand_sign_in_text: Nullable<string>;
  brand_logo: Nullable<string>;
  brand_background: Nullable<string>;
  brand_favicon: Nullable<string>;
}

/** An uploaded branding image, checked on the way in (type by magic bytes, size, dimensions). */
export interface BrandingImagesTable {
  directory_id: string;
  sha256: string;
  content_type: string;
  width: number;
  height: number;
  bytes: Buffer;
  created_at: CreatedAt;
}

/** A rate-limit counter: `points` taken in the fixed window that ends at `expires_at`. */
export interface RateLimitsTable {
  key: string;
  points: number;
  expires_at: Date;
}

/** An administrator's replacement for one catalog string in one language of one directory. */
export interface TextOverridesTable {
  directory_id: string;
  locale: Locale;
  key: string;
  text: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A directory's own subject, HTML and text for one kind of message in one language. */
export interface EmailTemplatesTable {
  directory_id: string;
  template: string;
  locale: Locale;
  subject: string;
  html: string;
  text: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface Database {
  directories: DirectoriesTable;
  accounts: AccountsTable;
  sessions: SessionsTable;
  flows: FlowsTable;
  code_sends: CodeSendsTable;
  outbox: OutboxTable;
  audit_events: AuditEventsTable;
  admins: AdminsTable;
  admin_sessions: AdminSessionsTable;
  admin_setup_tokens: AdminSetupTokensTable;
  instance_secrets: InstanceSecretsTable;
  user_flows: UserFlowsTable;
  applications: ApplicationsTable;
  oidc_payloads: OidcPayloadsTable;
  signing_keys: SigningKeysTable;
  flow_runs: FlowRunsTable;
  flow_run_messages: FlowRunMessagesTable;
  rate_limits: RateLimitsTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  admin_directories: AdminDirectoriesTable;
  installation_settings: InstallationSettingsTable;
  mailbox: MailboxTable;
  branding_images: BrandingImagesTable;
  text_overrides: TextOverridesTable;
  email_templates: EmailTemplatesTable;
}

export type Directory = Selectable<DirectoriesTable>;
export type Account = Selectable<AccountsTable>;
export type NewAccount = Insertable<AccountsTable>;
export type Flow = Selectable<FlowsTable>;
export type OutboxMessage = Selectable<OutboxTable>;
export type UserFlow = Selectable<UserFlowsTable>;
export type Application = Selectable<ApplicationsTable>;
export type FlowRun = Selectable<FlowRunsTable>;
export type Group = Selectable<GroupsTable>;
export type StoredEmailTemplate = Selectable<EmailTemplatesTable>;
