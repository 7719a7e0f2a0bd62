import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseImportedHash, verifyImportedHash } from '../../src/accounts/imported-hash.ts';
import { createPasswordHasher } from '../../src/accounts/password-hasher.ts';

// Known vectors, none made by the code under test: Keycloak's documented pbkdf2-sha256 credential for
// "admin", Firebase's published scrypt example, and the rest from python3's hashlib.pbkdf2_hmac /
// hashlib.scrypt and libxcrypt's bcrypt (python3 crypt.crypt) on this machine, and the argon2 reference
// implementation's own test vector.

const SALT = 'AQJzYWx0c2FsdDAxMjM0NTY'; // b'\x01\x02saltsalt0123456'

interface Vector {
  readonly name: string;
  readonly stored: string;
  readonly password: string;
}

const VECTORS: readonly Vector[] = [
  { name: 'Keycloak pbkdf2-sha256, 27500 iterations', stored: '$pbkdf2-sha256$i=27500$x/bm4Y3DcuV9eU97ervkPA==$1u7BLvfSPxQFpwc5jpGSA+88EGl9pZYKhaZ8YPIu9N4=', password: 'admin' },
  { name: 'pbkdf2-sha512 (hashlib)', stored: `$pbkdf2-sha512$i=1000$${SALT}$ySkp3dv7jDAuR7QGxLJd0yao7/3GUr9c7Y1ov4C6chnXXrbb3cD1T0Hf6BpouslONXFtQ333iZbnHPfVh95Mfg`, password: 'correct horse' },
  { name: 'pbkdf2-sha1 (hashlib)', stored: `$pbkdf2$i=1000$${SALT}$X/wMjSYLgGn48BMmhHMn0//rqhk`, password: 'correct horse' },
  { name: 'pbkdf2-sha256 with Auth0 PHC l= parameter', stored: `$pbkdf2-sha256$i=2000,l=32$${SALT}$EOt7gTKze+9HPGBJ8epa+ov7S2IGKny7lxlgtVDuHgM`, password: 'caf\u00e9-pass' },
  { name: 'scrypt ln=10 r=8 p=2 (hashlib)', stored: `$scrypt$ln=10,r=8,p=2$${SALT}$tKwkXwXVClSNDBUXBoKJQqc4D6pAVt9UoLrzQ5syAgo`, password: 'correct horse' },
  {
    name: 'Firebase modified scrypt (published example)',
    stored: '$firebase-scrypt$ln=14,r=8,ss=Bw==,sk=jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==$42xEC+ixf3L2lw==$lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==',
    password: 'user1password',
  },
  { name: 'bcrypt $2a$ (libxcrypt)', stored: '$2a$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2', password: 'correct horse' },
  { name: 'bcrypt $2b$ (libxcrypt)', stored: '$2b$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2', password: 'correct horse' },
  { name: 'bcrypt $2y$ (libxcrypt)', stored: '$2y$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2', password: 'correct horse' },
  { name: 'argon2i (reference test vector)', stored: '$imported-argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA', password: 'password' },
];

describe('imported password hashes', () => {
  for (const vector of VECTORS) {
    it(`S1: ${vector.name} verifies the right password and refuses a wrong one`, async () => {
      assert.ok(parseImportedHash(vector.stored), 'recognised as an imported hash');
      assert.equal(await verifyImportedHash(vector.stored, vector.password), true);
      assert.equal(await verifyImportedHash(vector.stored, `${vector.password}x`), false);
      assert.equal(await verifyImportedHash(vector.stored, vector.password.toUpperCase()), vector.password === vector.password.toUpperCase());
    });
  }

  it('S1: a hash of the composed form verifies when the decomposed form is typed, and one made of the typed form too', async () => {
    const composed = `$pbkdf2-sha256$i=2000$${SALT}$EOt7gTKze+9HPGBJ8epa+ov7S2IGKny7lxlgtVDuHgM`;
    const decomposed = `$pbkdf2-sha256$i=2000$${SALT}$F3fCbhPRgQhPukPT+SH3wHjkU32vh2IBIG4wD/3ees8`;
    assert.equal(await verifyImportedHash(composed, 'cafe\u0301-pass'), true);
    assert.equal(await verifyImportedHash(decomposed, 'cafe\u0301-pass'), true);
  });

  it('S1: malformed strings and excessive costs are not imported hashes and never verify', async () => {
    for (const bad of [
      '', 'plain', '$pbkdf2-sha256$i=0$c2FsdA$aGFzaA', '$pbkdf2-sha256$i=99999999$c2FsdA$aGFzaA', '$pbkdf2-md5$i=10$c2FsdA$aGFzaA',
      '$scrypt$ln=30,r=8,p=1$c2FsdA$aGFzaA', '$scrypt$ln=10,r=8,p=1$c2FsdA', '$firebase-scrypt$ln=14,r=8,ss=Bw$c2FsdA$aGFzaA',
      '$2b$31$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2', '$imported-bcrypt$x', '$pbkdf2-sha256$i=10$c2F sdA$aGFzaA',
    ]) {
      assert.equal(parseImportedHash(bad), undefined, bad);
      assert.equal(await verifyImportedHash(bad, 'password'), false, bad);
    }
  });

  it('S1: the hasher verifies imported hashes, and only its own argon2id at today\'s parameters needs no re-hash', async () => {
    const hasher = createPasswordHasher({ queueLimit: 10, pepper: 'a-pepper-of-16-chars-or-more' });
    for (const vector of VECTORS) {
      assert.equal(await hasher.verify(vector.stored, vector.password), true, vector.name);
      assert.equal(hasher.needsRehash(vector.stored), true, vector.name);
    }
    const own = await hasher.hash('correct horse');
    assert.equal(hasher.needsRehash(own), false);
    assert.equal(await hasher.verify(own, 'correct horse'), true);
    // An argon2 hash stored without the import marker is Latchkey's own: it is checked with the pepper.
    const foreignArgon2 = VECTORS.at(-1)!.stored.replace('$imported-', '$');
    assert.equal(await hasher.verify(foreignArgon2, 'password'), false);
    assert.equal(hasher.needsRehash('$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$aGFzaA'), true);
  });
});
