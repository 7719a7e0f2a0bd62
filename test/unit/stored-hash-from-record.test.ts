import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyImportedHash } from '../../src/accounts/imported-hash.ts';
import { storedHashFromRecord } from '../../src/users/stored-hash-from-record.ts';

// The export shapes of Keycloak, Auth0 and Firebase become one stored string each; the vectors are the
// independently made ones of imported-hash.test.ts.

const BCRYPT = '$2b$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2';
const FIREBASE_HASH = 'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==';
const FIREBASE_KEY = 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==';

function stored(fields: Record<string, unknown>, options = {}): string {
  const result = storedHashFromRecord(fields, options);
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return result.hash;
}

describe('password hashes from export records', () => {
  it('S1: a Keycloak argon2 credential becomes an imported argon2 PHC string that verifies', async () => {
    const hash = stored({
      credentials: [{
        type: 'password',
        credentialData: JSON.stringify({ algorithm: 'argon2', hashIterations: 2, additionalParameters: { type: ['i'], memory: ['65536'], parallelism: ['1'], version: ['1.3'] } }),
        secretData: JSON.stringify({ salt: 'c29tZXNhbHQ=', value: 'wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA=' }),
      }],
    });
    assert.equal(hash, '$imported-argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA');
    assert.equal(await verifyImportedHash(hash, 'password'), true);
  });

  it('S1: Auth0 custom_password_hash and passwordHash give the bcrypt string as it is', () => {
    assert.equal(stored({ custom_password_hash: { algorithm: 'bcrypt', hash: { value: BCRYPT } } }), BCRYPT);
    assert.equal(stored({ passwordHash: BCRYPT }), BCRYPT);
  });

  it('S1: Firebase parameters come from the row, else from the options; without them the row is refused', async () => {
    const fromOptions = stored({ passwordHash: FIREBASE_HASH, salt: '42xEC+ixf3L2lw==' }, { firebase: { signerKey: FIREBASE_KEY, saltSeparator: 'Bw==', rounds: 8, memCost: 14 } });
    const fromRow = stored({ passwordHash: FIREBASE_HASH, salt: '42xEC+ixf3L2lw==', firebase_signer_key: FIREBASE_KEY, firebase_salt_separator: 'Bw==', firebase_rounds: '8', firebase_mem_cost: '14' });
    assert.equal(fromOptions, fromRow);
    assert.match(fromRow, /^\$firebase-scrypt\$ln=14,r=8,ss=Bw,sk=[A-Za-z0-9+/]+\$42xEC\+ixf3L2lw\$[A-Za-z0-9+/]+$/);
    assert.equal(await verifyImportedHash(fromRow, 'user1password'), true);
    const missing = storedHashFromRecord({ passwordHash: FIREBASE_HASH, salt: '42xEC+ixf3L2lw==' }, {});
    assert.equal(missing.ok, false);
  });

  it('S2: argon2id is marked as imported (no pepper) unless --peppered says it is Latchkey\'s own', () => {
    const argon2id = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
    assert.equal(stored({ password_hash: argon2id }), `$imported-${argon2id.slice(1)}`);
    assert.equal(stored({ password_hash: argon2id }, { peppered: true }), argon2id);
    assert.equal(storedHashFromRecord({ password_hash: '$argon2id$nonsense' }, { peppered: true }).ok, false);
  });

  it('refuses unknown Keycloak algorithms and credentials without a password', () => {
    const md5 = storedHashFromRecord({ credentials: [{ type: 'password', credentialData: '{"algorithm":"md5","hashIterations":1}', secretData: '{"salt":"c2FsdA==","value":"aGFzaA=="}' }] }, {});
    assert.deepEqual(md5, { ok: false, reason: 'the Keycloak password algorithm "md5" is not supported' });
    assert.equal(storedHashFromRecord({ credentials: [{ type: 'otp' }] }, {}).ok, false);
    assert.deepEqual(storedHashFromRecord({}, {}), { ok: false, reason: 'the password hash is missing' });
  });
});
