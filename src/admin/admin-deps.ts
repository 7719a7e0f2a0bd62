import type { Kysely } from 'kysely';
import type { PasswordHasher } from '../accounts/password-hasher.ts';
import type { ApplicationStore } from '../applications/application-store.ts';
import type { UserFlowStore } from '../applications/user-flow-store.ts';
import type { BrandingStore } from '../directories/branding-store.ts';
import type { DirectoryStore } from '../directories/directory-store.ts';
import type { CookiePolicy } from '../http/cookies.ts';
import type { Links } from '../http/links.ts';
import type { ProviderRegistry } from '../oidc/provider-registry.ts';
import type { RateLimits } from '../rate-limits/rate-limits.ts';
import type { FlowRunStore } from '../run-now/flow-run-store.ts';
import type { Database } from '../storage/schema.ts';

export interface AdminDeps {
  readonly db: Kysely<Database>;
  readonly directories: DirectoryStore;
  readonly hasher: PasswordHasher;
  readonly cookies: CookiePolicy;
  readonly links: Links;
  readonly limits: RateLimits;
  readonly applications: ApplicationStore;
  readonly userFlows: UserFlowStore;
  readonly runs: FlowRunStore;
  /** To drop this instance's provider after a key rotation, so it signs with the new key at once. */
  readonly providers: Pick<ProviderRegistry, 'invalidate'>;
  /** Seals signing keys (rotation). */
  readonly instanceKey: Buffer;
  /** The customer password policy, for the initial password of an account an administrator creates. */
  readonly settings: { readonly passwordMinLength: number };
  /** Wakes the mail dispatcher after a transaction that queued mail commits. */
  readonly mailQueued: () => void;
  /** True while no SMTP server is configured: mail is kept in the portal's mailbox instead. */
  readonly mailboxEnabled: boolean;
  readonly branding: BrandingStore;
  /** Seals the sample code of a test email like any other (R9). */
  readonly key: Buffer;
  /** MAIL_FROM: its address is every directory's; its name the default From name. */
  readonly mailFrom: string;
}
