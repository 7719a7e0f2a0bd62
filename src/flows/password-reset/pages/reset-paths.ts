import type { Links } from '../../../http/links.ts';

// Every URL of the reset flow. The flow id is in the path (it is not a secret: the cookie is what binds
// the flow to a browser, R8), so the language links, which keep the path, keep the customer in the flow.
// Nothing secret is ever put in one of these (R15).

export function resetPaths(links: Links, slug: string) {
  const start = links.paths.reset(slug);
  const flow = (id: string) => `${start}/${encodeURIComponent(id)}`;
  return {
    start,
    signIn: links.paths.signIn(slug),
    flow,
    change: (id: string) => `${flow(id)}/change`,
    verify: (id: string) => `${flow(id)}/verify`,
    resend: (id: string) => `${flow(id)}/resend`,
    proceed: (id: string) => `${flow(id)}/continue`,
    password: (id: string) => `${flow(id)}/password`,
  };
}

export type ResetPaths = ReturnType<typeof resetPaths>;
