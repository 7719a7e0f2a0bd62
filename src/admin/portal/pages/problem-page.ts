import { html } from '../../../http/html.ts';
import type { SignedInAdmin } from '../../admin-session-store.ts';
import { adminMessages as m } from '../admin-messages.ts';
import { alertBox, renderAdminPage } from '../admin-layout.ts';

/** A plain page for a bad request or a missing directory, inside the portal's own frame. */
export function problemPage(options: { title: string; message: string; csrf: string; admin?: SignedInAdmin }): string {
  return renderAdminPage(
    { title: options.title, csrf: options.csrf, ...(options.admin ? { admin: options.admin } : {}) },
    html`<section class="panel narrow">
<h1>${options.title}</h1>
${alertBox(options.message)}
<p><a href="/admin">${m.backToDirectories}</a></p>
</section>`,
  );
}
