import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalize, isValidEmail } from '../../src/domain/identifier.ts';

describe('identifier canonicalisation', () => {
  it('R11: case and compatibility variants canonicalise to one identifier', () => {
    assert.equal(canonicalize('Alice@Example.COM'), 'alice@example.com');
    assert.equal(canonicalize('ａｌｉｃｅ@example.com'), 'alice@example.com'); // full-width letters
    assert.equal(canonicalize('ﬁona@example.com'), 'fiona@example.com'); // ligature
    assert.equal(canonicalize('STRAßE@example.com'), canonicalize('strasse@example.com'));
    assert.equal(canonicalize('  bob@example.com '), 'bob@example.com');
  });

  it('accepts ordinary addresses and refuses malformed ones', () => {
    assert.ok(isValidEmail('a.b+c@example.co.uk'));
    for (const bad of ['', 'no-at', 'a@b', 'a b@example.com', 'a@@example.com', '"q"@example.com', 'a@example.com,b@example.com', `${'x'.repeat(250)}@example.com`]) {
      assert.equal(isValidEmail(bad), false, bad);
    }
  });
});
