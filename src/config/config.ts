import { z } from 'zod';
import { ADMIN_PASSWORD_LIMITS, ADMIN_PASSWORD_MIN_LENGTH, checkAdminPassword } from '../admin/admin-password-policy.ts';
import { passwordProblemText } from '../admin/portal/admin-messages.ts';
import { trustProxySetting } from './trust-proxy.ts';

// Every setting Latchkey reads, in one schema. Each bad value is reported on its own line at start,
// so an operator fixes them all in one go instead of one per restart.

/** A whole number in a range, with one message that says what is wanted whatever was wrong. */
const wholeNumber = (min: number, max: number, unit = '') => {
  const message = `must be a whole number from ${min} to ${max}${unit}`;
  return z.coerce.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });
};

const port = wholeNumber(1, 65535);
const optionalUrl = (protocols: readonly string[], example: string) =>
  z
    .string()
    .trim()
    .min(1)
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `must be a URL such as ${example}`)
    .optional();

const durationSeconds = (min: number, max: number, fallback: number) => wholeNumber(min, max, ' (seconds)').default(fallback);

export const configSchema = z
  .object({
    PORT: port.default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    PUBLIC_URL: optionalUrl(['http:', 'https:'], 'https://login.example.com'),
    DATABASE_URL: optionalUrl(['postgres:', 'postgresql:'], 'postgres://user:pass@host:5432/latchkey'),
    LATCHKEY_DATA_DIR: z.string().min(1).default('./data'),
    SMTP_URL: optionalUrl(['smtp:', 'smtps:'], 'smtp://user:pass@mail.example.com:587'),
    MAIL_FROM: z.string().min(3).default('Latchkey <no-reply@localhost>'),
    ADMIN_EMAIL: z.email({ error: 'must be an email address, such as admin@example.com' }).optional(),
    // The rest of the administrator password policy is checked in loadConfig, where the email is known.
    ADMIN_PASSWORD: z.string().min(ADMIN_PASSWORD_MIN_LENGTH, `must be at least ${ADMIN_PASSWORD_MIN_LENGTH} characters`).optional(),
    LATCHKEY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    PASSWORD_PEPPER: z.string().min(16, 'must be at least 16 characters').optional(),
    PASSWORD_MIN_LENGTH: wholeNumber(8, 64).default(8),
    RESET_CODE_TTL_SECONDS: durationSeconds(60, 1200, 600),
    SESSION_IDLE_SECONDS: durationSeconds(60, 30 * 86400, 86400),
    SESSION_ABSOLUTE_SECONDS: durationSeconds(300, 365 * 86400, 14 * 86400),
    HASH_CONCURRENCY: wholeNumber(1, 64).optional(),
    HASH_QUEUE_LIMIT: wholeNumber(1, 100000).default(200),
    MAIL_RETRY_BASE_MS: wholeNumber(10, 3600000, ' (milliseconds)').default(5000),
    REDIS_URL: optionalUrl(['redis:', 'rediss:'], 'redis://redis.internal:6379'),
    REDIS_KEY_PREFIX: z.string().min(1).max(100).default('latchkey:'),
    TRUST_PROXY: trustProxySetting,
    RATE_LIMIT_IP_MAX: wholeNumber(1, 10_000_000).default(100),
    RATE_LIMIT_IP_WINDOW_SECONDS: durationSeconds(1, 86400, 60),
    RATE_LIMIT_IDENTIFIER_MAX: wholeNumber(1, 10_000_000).default(20),
    RATE_LIMIT_IDENTIFIER_WINDOW_SECONDS: durationSeconds(1, 86400, 300),
    RATE_LIMIT_DIRECTORY_MAX: wholeNumber(1, 100_000_000).default(6000),
    RATE_LIMIT_DIRECTORY_WINDOW_SECONDS: durationSeconds(1, 86400, 60),
    SHUTDOWN_TIMEOUT_MS: wholeNumber(0, 600_000, ' (milliseconds)').default(10_000),
    METRICS_TOKEN: z.string().trim().min(16, 'must be at least 16 characters').optional(),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' })
      .default('info'),
  })
  .transform((env) => ({
    port: env.PORT,
    host: env.HOST,
    publicUrl: new URL(env.PUBLIC_URL ?? `http://localhost:${env.PORT}`),
    databaseUrl: env.DATABASE_URL,
    dataDir: env.LATCHKEY_DATA_DIR,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    firstAdmin:
      env.ADMIN_EMAIL && env.ADMIN_PASSWORD ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD } : undefined,
    secret: env.LATCHKEY_SECRET,
    pepper: env.PASSWORD_PEPPER,
    passwordMinLength: env.PASSWORD_MIN_LENGTH,
    resetCodeTtlSeconds: env.RESET_CODE_TTL_SECONDS,
    sessionIdleSeconds: env.SESSION_IDLE_SECONDS,
    sessionAbsoluteSeconds: env.SESSION_ABSOLUTE_SECONDS,
    hashConcurrency: env.HASH_CONCURRENCY,
    hashQueueLimit: env.HASH_QUEUE_LIMIT,
    mailRetryBaseMs: env.MAIL_RETRY_BASE_MS,
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    trustProxy: env.TRUST_PROXY,
    rateLimits: {
      ip: { max: env.RATE_LIMIT_IP_MAX, windowSeconds: env.RATE_LIMIT_IP_WINDOW_SECONDS },
      identifier: { max: env.RATE_LIMIT_IDENTIFIER_MAX, windowSeconds: env.RATE_LIMIT_IDENTIFIER_WINDOW_SECONDS },
      directory: { max: env.RATE_LIMIT_DIRECTORY_MAX, windowSeconds: env.RATE_LIMIT_DIRECTORY_WINDOW_SECONDS },
    },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    metricsToken: env.METRICS_TOKEN,
    logLevel: env.LOG_LEVEL,
  }));

export type Config = z.output<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Latchkey cannot start; fix these settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the settings from an environment; empty strings count as unset, as shells often export them so. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(present);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || 'settings'}: ${issue.message}`);
  problems.push(...firstAdminProblems(present));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return parsed.data;
}

/** The pair must come together, and the password must pass the administrator policy a portal user gets. */
function firstAdminProblems(env: Record<string, string | undefined>): string[] {
  const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = env;
  if (!email !== !password) return ['ADMIN_EMAIL and ADMIN_PASSWORD go together: set both or neither'];
  if (!email || !password || [...password.normalize('NFKC')].length < ADMIN_PASSWORD_MIN_LENGTH) return [];
  const problem = checkAdminPassword(email, password);
  return problem ? [`ADMIN_PASSWORD: ${passwordProblemText(problem, ADMIN_PASSWORD_LIMITS)}`] : [];
}

/** Whether cookies can carry Secure and the __Host- prefix: only when Latchkey is reached over https. */
export function isSecureOrigin(config: Pick<Config, 'publicUrl'>): boolean {
  return config.publicUrl.protocol === 'https:';
}
