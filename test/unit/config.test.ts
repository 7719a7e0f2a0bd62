import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, isSecureOrigin, loadConfig } from '../../src/config/config.ts';
import { ipKeyOf } from '../../src/rate-limits/rate-limits.ts';

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

describe('rate-limit, Redis and proxy settings', () => {
  it('defaults: no Redis, no trusted proxy, the documented limits', () => {
    const config = loadConfig({});
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.redisKeyPrefix, 'latchkey:');
    assert.equal(config.trustProxy, undefined);
    assert.deepEqual(config.rateLimits, {
      ip: { max: 100, windowSeconds: 60 },
      identifier: { max: 20, windowSeconds: 300 },
      directory: { max: 6000, windowSeconds: 60 },
    });
    assert.equal(config.shutdownTimeoutMs, 10_000);
  });

  it('L5: TRUST_PROXY takes IPs, CIDR ranges and proxy-addr names, and refuses anything else', () => {
    assert.deepEqual(loadConfig({ TRUST_PROXY: ' 10.0.0.0/8, 192.168.1.10 ,fd00::/8,loopback' }).trustProxy, ['10.0.0.0/8', '192.168.1.10', 'fd00::/8', 'loopback']);
    for (const bad of ['true', '10.0.0.0/33', 'example.com', '10.0.0.1/8/1', ',']) {
      assert.deepEqual(problems({ TRUST_PROXY: bad }), ['TRUST_PROXY: must be a comma-separated list of proxy IP addresses or CIDR ranges, such as 10.0.0.0/8,192.168.1.10'], bad);
    }
  });

  it('refuses a Redis URL of another scheme and limits out of range, each on its own line', () => {
    assert.deepEqual(problems({ REDIS_URL: 'http://redis:6379', RATE_LIMIT_IP_MAX: '0', RATE_LIMIT_IDENTIFIER_WINDOW_SECONDS: 'soon' }), [
      'REDIS_URL: must be a URL such as redis://redis.internal:6379',
      'RATE_LIMIT_IP_MAX: must be a whole number from 1 to 10000000',
      'RATE_LIMIT_IDENTIFIER_WINDOW_SECONDS: must be a whole number from 1 to 86400 (seconds)',
    ]);
  });

  it('counts an IPv6 client per /64 and an IPv4-mapped address as IPv4', () => {
    assert.equal(ipKeyOf('203.0.113.9'), '203.0.113.9');
    assert.equal(ipKeyOf('::ffff:203.0.113.9'), '203.0.113.9');
    assert.equal(ipKeyOf('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(ipKeyOf('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
    assert.equal(ipKeyOf('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(ipKeyOf('::1'), '0:0:0:0::/64');
  });
});
