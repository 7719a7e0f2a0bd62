import type { Kysely } from 'kysely';
import type { PasswordHasher } from '../accounts/password-hasher.ts';
import type { ApplicationStore } from '../applications/application-store.ts';
import type { UserFlowStore } from '../applications/user-flow-store.ts';
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
}
