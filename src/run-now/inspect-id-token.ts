import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';

// What the token viewer shows about an ID token: its header and claims decoded, and each check an
// application should make, made here in the open so an administrator sees what passed.

export interface IdTokenCheck {
  readonly name: 'signature' | 'issuer' | 'audience' | 'nonce' | 'expiry';
  readonly ok: boolean;
  readonly detail: string;
}

export interface InspectedIdToken {
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
  readonly checks: readonly IdTokenCheck[];
}

function decodePart(part: string | undefined): Record<string, unknown> {
  if (!part) throw new Error('not a JWT');
  const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JWT');
  return value as Record<string, unknown>;
}

const RSA_ALGORITHMS: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };

function signatureCheck(token: string, header: Record<string, unknown>, keys: readonly JsonWebKey[]): IdTokenCheck {
  const [head, body, signature] = token.split('.');
  const key = keys.find((k) => k.kid === header.kid);
  const digest = typeof header.alg === 'string' ? RSA_ALGORITHMS[header.alg] : undefined;
  if (!key || !digest || !signature) return { name: 'signature', ok: false, detail: `no published key ${String(header.kid)} for ${String(header.alg)}` };
  const ok = verify(digest, Buffer.from(`${head}.${body}`), createPublicKey({ key, format: 'jwk' }), Buffer.from(signature, 'base64url'));
  return { name: 'signature', ok, detail: ok ? `${String(header.alg)}, key ${String(header.kid)} from the directory's JWKS` : 'does not verify' };
}

export function inspectIdToken(token: string, expected: { keys: readonly JsonWebKey[]; issuer: string; audience: string; nonce: string; now?: Date }): InspectedIdToken {
  const [head, body] = token.split('.');
  const header = decodePart(head);
  const claims = decodePart(body);
  const now = Math.floor((expected.now ?? new Date()).getTime() / 1000);
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const checks: IdTokenCheck[] = [
    signatureCheck(token, header, expected.keys),
    { name: 'issuer', ok: claims.iss === expected.issuer, detail: String(claims.iss) },
    { name: 'audience', ok: audiences.includes(expected.audience), detail: audiences.map(String).join(', ') },
    { name: 'nonce', ok: claims.nonce === expected.nonce, detail: claims.nonce === expected.nonce ? 'matches the run' : 'does not match the run' },
    { name: 'expiry', ok: typeof claims.exp === 'number' && claims.exp > now, detail: typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : 'missing' },
  ];
  return { header, claims, checks };
}
