import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

// A code waiting in the outbox must still be mailed, so it cannot be a one-way hash there; it is kept
// encrypted (AES-256-GCM, key derived from the instance key) and never as plain text (R9). The
// dispatcher opens it only to render the message, and drops it once the message is delivered.

function sealingKey(instanceKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', instanceKey, Buffer.alloc(0), 'latchkey outbox code seal', 32));
}

export function sealCode(instanceKey: Buffer, code: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(instanceKey), iv);
  const body = Buffer.concat([cipher.update(code, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** Throws when the value was not sealed with this key or was altered. */
export function openCode(instanceKey: Buffer, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(instanceKey), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
