import { html } from '../../../http/html.ts';
import { csrfField } from '../../../http/layout.ts';
import type { Directory } from '../../../storage/schema.ts';
import type { SignedInAdmin } from '../../admin-session-store.ts';
import { renderAdminPage, statusBox } from '../admin-layout.ts';
import { directoryCrumbs, directoryNav, directoryPath } from './directory-pages.ts';

// The directory's token signing keys: the one signing now and the retired ones still published in the
// JWKS for applications verifying tokens they signed.

export const signingKeyMessages = {
  title: 'Signing keys',
  intro: 'ID tokens of this directory are signed with its current key. Applications find every published key at the JWKS address below.',
  jwks: 'JWKS',
  columnKid: 'Key ID (kid)',
  columnAlgorithm: 'Algorithm',
  columnCreated: 'Created',
  columnState: 'State',
  signing: 'Signing',
  retired: 'Retired; published until {until}',
  rotate: 'Rotate signing key',
  rotateHint: 'A new key signs from now on. The current key stops signing but stays published until every token it signed has expired.',
  rotateConfirm: 'Rotate the signing key now?',
  rotated: 'A new signing key was created. The previous one stays published until its tokens expire.',
} as const;

const m = signingKeyMessages;

export interface SigningKeysView {
  readonly admin: SignedInAdmin;
  readonly csrf: string;
  readonly directory: Directory;
  readonly jwksUrl: string;
  readonly keys: readonly { kid: string; algorithm: string; created_at: Date; retired_at: Date | null; unpublish_after: Date | null }[];
  readonly notice?: string;
}

export function signingKeysPage(view: SigningKeysView): string {
  const rows = view.keys.map(
    (key) => html`<tr>
<th scope="row"><code>${key.kid}</code></th>
<td>${key.algorithm}</td>
<td>${key.created_at.toISOString()}</td>
<td>${key.retired_at ? m.retired.replace('{until}', key.unpublish_after?.toISOString() ?? '—') : html`<span class="badge">${m.signing}</span>`}</td>
</tr>`,
  );
  return renderAdminPage(
    { title: `${view.directory.display_name} · ${m.title}`, admin: view.admin, csrf: view.csrf, breadcrumbs: directoryCrumbs(view.directory, m.title) },
    html`<p class="eyebrow">${view.directory.display_name}</p>
<h1>${m.title}</h1>
${directoryNav(view.directory, 'signing-keys')}
${statusBox(view.notice)}
<p>${m.intro}</p>
<p><strong>${m.jwks}:</strong> <a href="${view.jwksUrl}"><code>${view.jwksUrl}</code></a></p>
<div class="table-wrap"><table><thead><tr><th scope="col">${m.columnKid}</th><th scope="col">${m.columnAlgorithm}</th><th scope="col">${m.columnCreated}</th><th scope="col">${m.columnState}</th></tr></thead><tbody>${rows}</tbody></table></div>
<section class="panel">
<form method="post" action="${directoryPath(view.directory.slug, '/signing-keys/rotate')}" data-confirm="${m.rotateConfirm}">
${csrfField(view.csrf)}
<p class="hint">${m.rotateHint}</p>
<div class="actions"><button type="submit">${m.rotate}</button></div>
</form>
</section>`,
  );
}
