// Every absolute link Latchkey writes (mail, logs) is built from PUBLIC_URL and nothing the request
// says: Host, X-Forwarded-Host and Forwarded never reach a link (R14). Redirects use paths only.

export interface Links {
  readonly paths: {
    signIn(directory: string): string;
    signUp(directory: string): string;
    reset(directory: string): string;
    account(directory: string): string;
    admin(): string;
  };
  absolute(path: string): string;
}

export function createLinks(publicUrl: URL): Links {
  const base = publicUrl.href.replace(/\/$/, '');
  const d = (slug: string) => `/d/${encodeURIComponent(slug)}`;
  return {
    paths: {
      signIn: (slug) => `${d(slug)}/signin`,
      signUp: (slug) => `${d(slug)}/signup`,
      reset: (slug) => `${d(slug)}/reset`,
      account: (slug) => `${d(slug)}/account`,
      admin: () => '/admin',
    },
    absolute: (path) => `${base}${path}`,
  };
}
