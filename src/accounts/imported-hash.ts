import { pbkdf2, scrypt, createCipheriv, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import { verify as verifyArgon2 } from '@node-rs/argon2';

// Password hashes brought in from another system (S1): they verify as they are until the customer's next
// sign-in, which re-hashes the password to Latchkey's argon2id. Each is stored as one self-describing,
// PHC-like string, so no other column says how to check it:
//   $2a$/$2b$/$2y$…                                   bcrypt (Auth0's export), as exported
//   $pbkdf2-sha256$i=27500$<salt>$<hash>              PBKDF2-HMAC (Keycloak); also -sha1 and -sha512
//   $scrypt$ln=14,r=8,p=1$<salt>$<hash>               standard scrypt
//   $firebase-scrypt$ln=14,r=8,ss=<sep>,sk=<key>$<salt>$<hash>   Firebase's modified scrypt
//   $imported-argon2id$v=19$…                          argon2 from elsewhere: made without our pepper
// Salts, hashes and keys are base64 without padding.

const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = promisify(scrypt) as (password: Buffer, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

export const IMPORTED_ARGON2_PREFIX = '$imported-';

/** Bounds on costs read from a hash string: a crafted import must not turn one sign-in into minutes of work (F3). */
export const HASH_COST_LIMITS = { pbkdf2Iterations: 5_000_000, scryptLogN: 20, scryptR: 32, scryptP: 16, bcryptCost: 16 } as const;

export type ImportedHash =
  | { readonly kind: 'bcrypt' }
  | { readonly kind: 'pbkdf2'; readonly digest: 'sha1' | 'sha256' | 'sha512'; readonly iterations: number; readonly salt: Buffer; readonly hash: Buffer }
  | { readonly kind: 'scrypt'; readonly logN: number; readonly r: number; readonly p: number; readonly salt: Buffer; readonly hash: Buffer }
  | { readonly kind: 'firebase-scrypt'; readonly logN: number; readonly r: number; readonly saltSeparator: Buffer; readonly signerKey: Buffer; readonly salt: Buffer; readonly hash: Buffer }
  | { readonly kind: 'argon2'; readonly phc: string };

const BASE64 = /^[A-Za-z0-9+/_.-]*={0,2}$/;

/** Standard, URL-safe or passlib's "adapted" base64 (`.` for `+`), padded or not; undefined if none of them. */
export function decodeBase64(value: string): Buffer | undefined {
  if (!BASE64.test(value)) return undefined;
  return Buffer.from(value.replaceAll('.', '+'), 'base64');
}

export function encodeBase64(value: Buffer): string {
  return value.toString('base64').replace(/=+$/, '');
}

function params(text: string): Map<string, string> {
  return new Map(text.split(',').map((pair) => {
    const at = pair.indexOf('=');
    return [pair.slice(0, at), pair.slice(at + 1)] as [string, string];
  }));
}

function integer(value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined || !/^\d{1,9}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= min && n <= max ? n : undefined;
}

function bytes(value: string | undefined): Buffer | undefined {
  const decoded = value === undefined ? undefined : decodeBase64(value);
  return decoded && decoded.length > 0 ? decoded : undefined;
}

const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
const PBKDF2_DIGESTS = { 'pbkdf2': 'sha1', 'pbkdf2-sha1': 'sha1', 'pbkdf2-sha256': 'sha256', 'pbkdf2-sha512': 'sha512' } as const;

function parsePbkdf2(digest: 'sha1' | 'sha256' | 'sha512', parts: string[]): ImportedHash | undefined {
  const iterations = integer(params(parts[2] ?? '').get('i'), 1, HASH_COST_LIMITS.pbkdf2Iterations);
  const salt = bytes(parts[3]);
  const hash = bytes(parts[4]);
  if (parts.length !== 5 || !iterations || !salt || !hash) return undefined;
  return { kind: 'pbkdf2', digest, iterations, salt, hash };
}

function parseScrypt(parts: string[], firebase: boolean): ImportedHash | undefined {
  const p = params(parts[2] ?? '');
  const logN = integer(p.get('ln'), 1, HASH_COST_LIMITS.scryptLogN);
  const r = integer(p.get('r'), 1, HASH_COST_LIMITS.scryptR);
  const salt = bytes(parts[3]);
  const hash = bytes(parts[4]);
  if (parts.length !== 5 || !logN || !r || !salt || !hash) return undefined;
  if (!firebase) {
    const parallel = integer(p.get('p') ?? '1', 1, HASH_COST_LIMITS.scryptP);
    return parallel ? { kind: 'scrypt', logN, r, p: parallel, salt, hash } : undefined;
  }
  const saltSeparator = decodeBase64(p.get('ss') ?? '');
  const signerKey = bytes(p.get('sk'));
  if (!saltSeparator || !signerKey) return undefined;
  return { kind: 'firebase-scrypt', logN, r, saltSeparator, signerKey, salt, hash };
}

/** The hash a stored string describes, or undefined when it is not one of the imported formats. */
export function parseImportedHash(stored: string): ImportedHash | undefined {
  const bcryptMatch = BCRYPT.exec(stored);
  if (bcryptMatch) return Number(bcryptMatch[1]) >= 4 && Number(bcryptMatch[1]) <= HASH_COST_LIMITS.bcryptCost ? { kind: 'bcrypt' } : undefined;
  if (stored.startsWith(IMPORTED_ARGON2_PREFIX)) {
    const phc = `$${stored.slice(IMPORTED_ARGON2_PREFIX.length)}`;
    return /^\$argon2(id|i|d)\$/.test(phc) ? { kind: 'argon2', phc } : undefined;
  }
  const parts = stored.split('$');
  if (parts[0] !== '') return undefined;
  const id = parts[1] ?? '';
  if (id in PBKDF2_DIGESTS) return parsePbkdf2(PBKDF2_DIGESTS[id as keyof typeof PBKDF2_DIGESTS], parts);
  if (id === 'scrypt') return parseScrypt(parts, false);
  if (id === 'firebase-scrypt') return parseScrypt(parts, true);
  return undefined;
}

function scryptMemory(logN: number, r: number, p: number): number {
  return 128 * r * (2 ** logN + p + 2) + 1024 * 1024;
}

async function matches(hash: ImportedHash, stored: string, password: Buffer): Promise<boolean> {
  switch (hash.kind) {
    case 'bcrypt':
      // bcryptjs compares in constant time; it works in slices between event-loop turns.
      return bcrypt.compare(password.toString('utf8'), stored);
    case 'argon2':
      return verifyArgon2(hash.phc, password);
    case 'pbkdf2': {
      const derived = await pbkdf2Async(password, hash.salt, hash.iterations, hash.hash.length, hash.digest);
      return timingSafeEqual(derived, hash.hash);
    }
    case 'scrypt': {
      const options = { N: 2 ** hash.logN, r: hash.r, p: hash.p, maxmem: scryptMemory(hash.logN, hash.r, hash.p) };
      const derived = await scryptAsync(password, hash.salt, hash.hash.length, options);
      return timingSafeEqual(derived, hash.hash);
    }
    case 'firebase-scrypt': {
      // Firebase's variant: scrypt keys AES-256-CTR (zero IV), which encrypts the project's signer key.
      const options = { N: 2 ** hash.logN, r: hash.r, p: 1, maxmem: scryptMemory(hash.logN, hash.r, 1) };
      const key = await scryptAsync(password, Buffer.concat([hash.salt, hash.saltSeparator]), 32, options);
      const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
      const derived = Buffer.concat([cipher.update(hash.signerKey), cipher.final()]);
      return derived.length === hash.hash.length && timingSafeEqual(derived, hash.hash);
    }
    default: {
      const never: never = hash;
      throw new Error(`unknown hash kind ${String(never)}`);
    }
  }
}

/**
 * True when the password matches an imported hash. Other systems hashed what the customer typed, without
 * Latchkey's NFKC step, so that form is tried first and the normalised one only when it differs.
 */
export async function verifyImportedHash(stored: string, password: string): Promise<boolean> {
  const hash = parseImportedHash(stored);
  if (!hash) return false;
  const typed = password;
  const normalized = password.normalize('NFKC');
  for (const candidate of typed === normalized ? [typed] : [typed, normalized]) {
    if (await matches(hash, stored, Buffer.from(candidate, 'utf8')).catch(() => false)) return true;
  }
  return false;
}
