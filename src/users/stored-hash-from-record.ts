import { encodeBase64, decodeBase64, IMPORTED_ARGON2_PREFIX, parseImportedHash } from '../accounts/imported-hash.ts';

// Turns the password fields of one imported record into the self-describing string Latchkey stores
// (see imported-hash.ts). It reads the shapes the usual sources export:
//  - Keycloak (`kc.sh export`, one user per line): `credentials: [{ type: "password", secretData, credentialData }]`
//    with secretData `{ value, salt }` (base64) and credentialData `{ algorithm, hashIterations }`;
//  - Auth0 (password-hash export): `passwordHash` with bcrypt, or a bulk-import `custom_password_hash`;
//  - Firebase (`firebase auth:export`): base64 `passwordHash` and `salt`, with the project's scrypt
//    parameters given per row (firebase_signer_key, …) or once as import options;
//  - Latchkey's own export: `password_hash` as stored.

export interface FirebaseScryptParameters {
  /** base64, from the console's "Password hash parameters". */
  readonly signerKey: string;
  readonly saltSeparator: string;
  readonly rounds: number;
  readonly memCost: number;
}

export interface HashImportOptions {
  readonly firebase?: Partial<FirebaseScryptParameters>;
  /** argon2 hashes in the file were made by a Latchkey with this instance's PASSWORD_PEPPER: keep them as they are. */
  readonly peppered?: boolean;
}

export type HashResult = { readonly ok: true; readonly hash: string } | { readonly ok: false; readonly reason: string };

type Fields = Readonly<Record<string, unknown>>;

const KEYCLOAK_PBKDF2: Readonly<Record<string, string>> = { 'pbkdf2': 'pbkdf2', 'pbkdf2-sha256': 'pbkdf2-sha256', 'pbkdf2-sha512': 'pbkdf2-sha512' };
const ARGON2_TYPES: Readonly<Record<string, string>> = { id: 'argon2id', i: 'argon2i', d: 'argon2d' };

function fail(reason: string): HashResult {
  return { ok: false, reason };
}

function text(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Keycloak keeps secretData and credentialData as JSON inside strings. */
function jsonObject(value: unknown): Fields | undefined {
  try {
    const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Fields) : undefined;
  } catch {
    return undefined;
  }
}

/** Keycloak's additionalParameters hold each value as a one-element array. */
function firstParameter(parameters: Fields | undefined, name: string): string | undefined {
  const value = parameters?.[name];
  return text(Array.isArray(value) ? value[0] : value);
}

function fromKeycloak(credentials: unknown): HashResult {
  if (!Array.isArray(credentials)) return fail('credentials is not a list');
  const password = credentials.find((c) => jsonObject(c)?.type === 'password');
  if (!password) return fail('credentials holds no password credential');
  const secret = jsonObject(jsonObject(password)?.secretData);
  const data = jsonObject(jsonObject(password)?.credentialData);
  const value = text(secret?.value);
  const salt = text(secret?.salt);
  const algorithm = text(data?.algorithm) ?? 'pbkdf2-sha256';
  const iterations = text(data?.hashIterations);
  if (!value || !salt || !iterations) return fail('the password credential lacks its value, salt or hashIterations');
  const pbkdf2 = KEYCLOAK_PBKDF2[algorithm];
  if (pbkdf2) return checked(`$${pbkdf2}$i=${iterations}$${b64(salt)}$${b64(value)}`);
  if (algorithm === 'argon2') {
    const extra = jsonObject(data?.additionalParameters);
    const type = ARGON2_TYPES[firstParameter(extra, 'type') ?? 'id'];
    const version = firstParameter(extra, 'version') === '1.0' ? 16 : 19;
    const memory = firstParameter(extra, 'memory') ?? '7168';
    const parallelism = firstParameter(extra, 'parallelism') ?? '1';
    if (!type) return fail('the argon2 credential is malformed');
    return checked(`${IMPORTED_ARGON2_PREFIX}${type}$v=${version}$m=${memory},t=${iterations},p=${parallelism}$${b64(salt)}$${b64(value)}`);
  }
  return fail(`the Keycloak password algorithm "${algorithm}" is not supported`);
}

function fromFirebase(hash: string, salt: string, fields: Fields, options: HashImportOptions): HashResult {
  const signerKey = text(fields.firebase_signer_key) ?? options.firebase?.signerKey;
  const saltSeparator = text(fields.firebase_salt_separator) ?? options.firebase?.saltSeparator;
  const rounds = text(fields.firebase_rounds) ?? options.firebase?.rounds;
  const memCost = text(fields.firebase_mem_cost) ?? options.firebase?.memCost;
  if (!signerKey || saltSeparator === undefined || rounds === undefined || memCost === undefined) {
    return fail('a Firebase scrypt hash needs the signer key, salt separator, rounds and memory cost (--firebase-* options)');
  }
  return checked(`$firebase-scrypt$ln=${memCost},r=${rounds},ss=${b64(String(saltSeparator))},sk=${b64(signerKey)}$${b64(salt)}$${b64(hash)}`);
}

/** base64 as stored: standard alphabet, no padding; left as it is when it does not decode, so the check fails. */
function b64(value: string): string {
  const decoded = decodeBase64(value);
  return decoded ? encodeBase64(decoded) : value;
}

function checked(stored: string): HashResult {
  return parseImportedHash(stored) ? { ok: true, hash: stored } : fail('the password hash is malformed or its cost is out of range');
}

function fromHashString(hash: string, fields: Fields, options: HashImportOptions): HashResult {
  if (/^\$argon2(id|i|d)\$/.test(hash)) {
    if (options.peppered) return /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.test(hash) ? { ok: true, hash } : fail('the argon2id hash is malformed');
    return checked(`${IMPORTED_ARGON2_PREFIX}${hash.slice(1)}`);
  }
  if (hash.startsWith('$')) return checked(hash);
  const salt = text(fields.salt);
  if (salt) return fromFirebase(hash, salt, fields, options);
  return fail('the password hash is in no known format');
}

export function storedHashFromRecord(fields: Fields, options: HashImportOptions): HashResult {
  if (fields.credentials !== undefined) return fromKeycloak(fields.credentials);
  const custom = jsonObject(fields.custom_password_hash);
  if (custom) {
    const value = text(jsonObject(custom.hash)?.value);
    return value ? fromHashString(value, fields, options) : fail('custom_password_hash has no hash.value');
  }
  const hash = text(fields.password_hash) ?? text(fields.passwordHash);
  return hash ? fromHashString(hash, fields, options) : fail('the password hash is missing');
}
