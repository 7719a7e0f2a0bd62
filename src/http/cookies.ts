import type { CookieSerializeOptions } from '@fastify/cookie';

// SE3: __Host- prefixed and Secure whenever Latchkey is served over https; HttpOnly, SameSite=Lax,
// Path=/ always. Over plain http (local development) browsers refuse __Host- cookies, so the bare
// name is used there.

export interface CookiePolicy {
  name(base: string): string;
  options(maxAgeSeconds?: number): CookieSerializeOptions;
}

export function cookiePolicy(secure: boolean): CookiePolicy {
  return {
    name: (base) => (secure ? `__Host-lk_${base}` : `lk_${base}`),
    options: (maxAgeSeconds) => ({
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure,
      ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
    }),
  };
}
