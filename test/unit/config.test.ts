import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, isSecureOrigin, loadConfig } from '../../src/config/config.ts';

/** The problems loadConfig reports for an environment, one string per bad setting. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return [...error.problems];
  }
  assert.fail('expected a ConfigError');
}

describe('config', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.publicUrl.href, 'http://localhost:3000/');
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.dataDir, './data');
    assert.equal(config.smtpUrl, undefined);
    assert.equal(config.mailFrom, 'Latchkey <no-reply@localhost>');
    assert.equal(config.firstAdmin, undefined);
    assert.equal(config.secret, undefined);
    assert.equal(config.pepper, undefined);
    assert.equal(config.passwordMinLength, 8);
    assert.equal(config.resetCodeTtlSeconds, 600);
    assert.equal(config.sessionIdleSeconds, 86400);
    assert.equal(config.sessionAbsoluteSeconds, 14 * 86400);
    assert.equal(config.hashConcurrency, undefined);
    assert.equal(config.hashQueueLimit, 200);
    assert.equal(config.mailRetryBaseMs, 5000);
    assert.equal(config.logLevel, 'info');
    assert.equal(isSecureOrigin(config), false);
  });

  it('reads every setting it is given; PUBLIC_URL follows PORT by default; empty strings count as unset', () => {
    const config = loadConfig({
      PORT: '8080', HOST: '127.0.0.1', DATABASE_URL: 'postgresql://u:p@db:5432/lk', LATCHKEY_DATA_DIR: '/var/lib/lk',
      SMTP_URL: 'smtps://u:p@mail.example.com:465', MAIL_FROM: 'Acme <id@acme.example>', ADMIN_EMAIL: 'ops@acme.example',
      ADMIN_PASSWORD: 'tangerine-ocean-bicycle', LATCHKEY_SECRET: 'x'.repeat(32), PASSWORD_PEPPER: 'p'.repeat(16),
      PASSWORD_MIN_LENGTH: '10', RESET_CODE_TTL_SECONDS: '900', SESSION_IDLE_SECONDS: '3600', SESSION_ABSOLUTE_SECONDS: '7200',
      HASH_CONCURRENCY: '4', HASH_QUEUE_LIMIT: '50', MAIL_RETRY_BASE_MS: '100', LOG_LEVEL: 'debug', PUBLIC_URL: '',
    });
    assert.equal(config.port, 8080);
    assert.equal(config.publicUrl.href, 'http://localhost:8080/');
    assert.equal(config.databaseUrl, 'postgresql://u:p@db:5432/lk');
    assert.equal(config.smtpUrl, 'smtps://u:p@mail.example.com:465');
    assert.deepEqual(config.firstAdmin, { email: 'ops@acme.example', password: 'tangerine-ocean-bicycle' });
    assert.equal(config.passwordMinLength, 10);
    assert.equal(config.resetCodeTtlSeconds, 900);
    assert.equal(config.hashConcurrency, 4);
    assert.equal(config.logLevel, 'debug');
    assert.equal(isSecureOrigin(loadConfig({ PUBLIC_URL: 'https://login.example.com' })), true);
  });

  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: 'abc' }, /^PORT: must be a whole number from 1 to 65535$/],
    [{ PORT: '70000' }, /^PORT: must be a whole number from 1 to 65535$/],
    [{ PUBLIC_URL: 'ftp://x' }, /^PUBLIC_URL: must be a URL such as https:\/\/login\.example\.com$/],
    [{ PUBLIC_URL: 'not a url' }, /^PUBLIC_URL: must be a URL such as https:\/\/login\.example\.com$/],
    [{ DATABASE_URL: 'mysql://db/lk' }, /^DATABASE_URL: must be a URL such as postgres:\/\//],
    [{ SMTP_URL: 'http://x' }, /^SMTP_URL: must be a URL such as smtp:\/\/user:pass@mail\.example\.com:587$/],
    [{ ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'tangerine-ocean-bicycle' }, /^ADMIN_EMAIL: must be an email address/],
    [{ ADMIN_EMAIL: 'ops@example.com' }, /^ADMIN_EMAIL and ADMIN_PASSWORD go together: set both or neither$/],
    [{ ADMIN_PASSWORD: 'tangerine-ocean-bicycle' }, /^ADMIN_EMAIL and ADMIN_PASSWORD go together/],
    [{ ADMIN_EMAIL: 'ops@example.com', ADMIN_PASSWORD: 'elevenchars' }, /^ADMIN_PASSWORD: must be at least 12 characters$/],
    [{ ADMIN_EMAIL: 'ops@example.com', ADMIN_PASSWORD: 'password2024' }, /^ADMIN_PASSWORD: This password is too common/],
    [{ LATCHKEY_SECRET: 'short' }, /^LATCHKEY_SECRET: must be at least 32 characters$/],
    [{ PASSWORD_PEPPER: 'short' }, /^PASSWORD_PEPPER: must be at least 16 characters$/],
    [{ PASSWORD_MIN_LENGTH: '6' }, /^PASSWORD_MIN_LENGTH: must be a whole number from 8 to 64$/],
    [{ RESET_CODE_TTL_SECONDS: '5' }, /^RESET_CODE_TTL_SECONDS: must be a whole number from 60 to 1200 \(seconds\)$/],
    [{ RESET_CODE_TTL_SECONDS: '90.5' }, /^RESET_CODE_TTL_SECONDS: must be a whole number from 60 to 1200/],
    [{ SESSION_IDLE_SECONDS: '10' }, /^SESSION_IDLE_SECONDS: must be a whole number from 60 to 2592000 \(seconds\)$/],
    [{ SESSION_ABSOLUTE_SECONDS: '10' }, /^SESSION_ABSOLUTE_SECONDS: must be a whole number from 300 to /],
    [{ HASH_CONCURRENCY: '0' }, /^HASH_CONCURRENCY: must be a whole number from 1 to 64$/],
    [{ HASH_QUEUE_LIMIT: 'lots' }, /^HASH_QUEUE_LIMIT: must be a whole number from 1 to 100000$/],
    [{ MAIL_RETRY_BASE_MS: '1' }, /^MAIL_RETRY_BASE_MS: must be a whole number from 10 to 3600000 \(milliseconds\)$/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent$/],
  ];
  for (const [env, expected] of cases) {
    it(`reports ${JSON.stringify(env)} with its own clear message`, () => {
      const found = problems(env);
      assert.equal(found.length, 1, found.join(' | '));
      assert.match(found[0] ?? '', expected);
    });
  }

  it('reports every bad setting at once, one line each, so an operator fixes them in one go', () => {
    const found = problems({ PORT: 'abc', PUBLIC_URL: 'ftp://x', SMTP_URL: 'http://x', RESET_CODE_TTL_SECONDS: '5', ADMIN_EMAIL: 'ops@example.com' });
    assert.equal(found.length, 5, found.join(' | '));
    for (const name of ['PORT', 'PUBLIC_URL', 'SMTP_URL', 'RESET_CODE_TTL_SECONDS', 'ADMIN_EMAIL and ADMIN_PASSWORD']) {
      assert.ok(found.some((p) => p.startsWith(name)), name);
    }
    assert.throws(() => loadConfig({ PORT: 'abc' }), /Latchkey cannot start; fix these settings:\n {2}- PORT: must be a whole number/);
  });
});
