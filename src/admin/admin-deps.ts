import type { Kysely } from 'kysely';
import type { PasswordHasher } from '../accounts/password-hasher.ts';
import type { ApplicationStore } from '../applications/application-store.ts';
import type { UserFlowStore } from '../applications/user-flow-store.ts';
import type { DirectoryStore } from '../directories/directory-store.ts';
import type { CookiePolicy } from '../http/cookies.ts';
import type { Links } from '../http/links.ts';
import type { RateLimits } from '../rate-limits/rate-limits.ts';
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
  /** Seals the sample code of a test email like any other (R9). */
  readonly key: Buffer;
  /** MAIL_FROM: its address is every directory's; its name the default From name. */
  readonly mailFrom: string;
  /** Wakes the dispatcher after a test email is queued. */
  readonly mailQueued: () => void;
}
