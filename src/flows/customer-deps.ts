import type { Kysely } from 'kysely';
import type { AccountStore } from '../accounts/account-store.ts';
import type { PasswordHasher } from '../accounts/password-hasher.ts';
import type { SessionStore } from '../accounts/session-store.ts';
import type { TextCache } from '../directories/directory-texts.ts';
import type { DirectoryStore } from '../directories/directory-store.ts';
import type { CookiePolicy } from '../http/cookies.ts';
import type { Links } from '../http/links.ts';
import type { FlowMetrics } from '../metrics/metrics.ts';
import type { RateLimits } from '../rate-limits/rate-limits.ts';
import type { FlowRunStore } from '../run-now/flow-run-store.ts';
import type { Database } from '../storage/schema.ts';

/** Everything the customer-facing flows are built from. Each flow's factory picks only what it uses. */
export interface CustomerDeps {
  readonly db: Kysely<Database>;
  readonly directories: DirectoryStore;
  /** Each directory's overrides and email templates, cached by the directory row's version. */
  readonly texts: TextCache;
  readonly accounts: AccountStore;
  readonly sessions: SessionStore;
  readonly hasher: PasswordHasher;
  readonly cookies: CookiePolicy;
  readonly links: Links;
  /** Per IP, identifier and directory; checked before anything is looked up (R12). */
  readonly limits: RateLimits;
  /** Key for every keyed hash: codes (R9), identifier throttles, wrong-password fingerprints. */
  readonly key: Buffer;
  readonly settings: {
    readonly passwordMinLength: number;
    readonly resetCodeTtlSeconds: number;
    readonly sessionAbsoluteSeconds: number;
  };
  /** "Run now" runs, so flows started inside one send their mail to its test inbox as well. */
  readonly runs: Pick<FlowRunStore, 'findLiveByKey'>;
  /** Wakes the mail dispatcher after a transaction that queued mail commits, so mail goes out at once. */
  readonly mailQueued: () => void;
  /** Counts flow outcomes for /metrics. */
  readonly metrics: FlowMetrics;
}
