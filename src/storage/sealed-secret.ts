import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

// Secrets Latchkey must be able to read back (a code waiting to be mailed, a signing key) are kept
// encrypted with AES-256-GCM under a key derived from the instance key, one derived key per purpose,
// so a value sealed for one use never opens as another.

// HKDF costs more than the sealing itself, and every reset request seals a code: derived once per key.
const derived = new WeakMap<Buffer, Map<string, Buffer>>();

function derivedKey(instanceKey: Buffer, purpose: string): Buffer {
  let byPurpose = derived.get(instanceKey);
  if (!byPurpose) derived.set(instanceKey, (byPurpose = new Map()));
  let key = byPurpose.get(purpose);
  if (!key) byPurpose.set(purpose, (key = Buffer.from(hkdfSync('sha256', instanceKey, Buffer.alloc(0), purpose, 32))));
  return key;
}

export function sealSecret(instanceKey: Buffer, purpose: string, value: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derivedKey(instanceKey, purpose), iv);
  const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** Throws when the value was not sealed with this key and purpose, or was altered. */
export function openSecret(instanceKey: Buffer, purpose: string, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', derivedKey(instanceKey, purpose), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
