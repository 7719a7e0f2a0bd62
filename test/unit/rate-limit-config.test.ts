import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { ipKeyOf } from '../../src/rate-limits/rate-limits.ts';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return [...error.problems];
  }
  assert.fail('expected a ConfigError');
}

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
