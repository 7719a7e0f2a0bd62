import type { AdminListing } from '../../admin-roster.ts';
import { html, type Html } from '../../../http/html.ts';
import { csrfField } from '../../../http/layout.ts';
import type { Directory } from '../../../storage/schema.ts';
import { ADMIN_PASSWORD_MIN_LENGTH } from '../../admin-password-policy.ts';
import { adminEmailField, adminPasswordField, alertBox, renderAdminPage, statusBox, type SignedInView } from '../admin-layout.ts';
import { adminMessages } from '../admin-messages.ts';

// "Administrators": who may sign in to this portal, which directories each one sees, add and remove.

export const administratorsMessages = {
  title: 'Administrators',
  intro: 'Each administrator signs in with their own email address and password. An administrator limited to some directories sees only those, and cannot open this page, the retention setting or other directories.',
  columnEmail: 'Email',
  columnAccess: 'Access',
  columnAdded: 'Added',
  allDirectories: 'All directories',
  noDirectories: 'No directory',
  you: '(you)',
  remove: 'Remove',
  removeConfirm: 'Remove this administrator? They are signed out at once and can no longer sign in.',
  addTitle: 'Add an administrator',
  addIntro: 'Choose an initial password and give it to the new administrator by a safe channel.',
  accessLegend: 'Access',
  accessAll: 'All directories, and managing administrators',
  accessSome: 'Only these directories:',
  add: 'Add administrator',
  added: 'Administrator added.',
  removed: 'Administrator removed.',
  cannotRemoveSelf: 'You cannot remove yourself. Another administrator can.',
  cannotRemoveLast: 'This is the last administrator with access to every directory; add another one first.',
  unknownAdmin: 'There is no such administrator. Nothing was changed.',
  invalidAccess: 'Choose "All directories", or "Only these directories" with at least one directory. Nothing was changed.',
} as const;
const m = administratorsMessages;

export interface AdministratorsView extends SignedInView {
  readonly admins: readonly AdminListing[];
  readonly directories: readonly Directory[];
  /** Why a removal was refused, shown above the list. */
  readonly removalError?: string;
  readonly draft?: { email: string; access: string; directoryIds: readonly string[] };
}

function accessText(view: AdministratorsView, listing: AdminListing): string {
  if (listing.allDirectories) return m.allDirectories;
  const slugs = view.directories.filter((d) => listing.directoryIds.includes(d.id)).map((d) => d.slug);
  return slugs.length ? slugs.join(', ') : m.noDirectories;
}

function adminRow(view: AdministratorsView, listing: AdminListing): Html {
  const self = listing.id === view.admin.adminId;
  const action = self
    ? html`<span class="hint">${m.you}</span>`
    : html`<form method="post" action="/admin/administrators/${listing.id}/remove" data-confirm="${m.removeConfirm}">${csrfField(view.csrf)}<button type="submit" class="danger" aria-label="${m.remove} ${listing.email}">${m.remove}</button></form>`;
  return html`<tr><td class="wrap">${listing.email}</td><td class="wrap">${accessText(view, listing)}</td><td>${listing.createdAt.toISOString().slice(0, 10)}</td><td>${action}</td></tr>`;
}

function addForm(view: AdministratorsView): Html {
  const draft = view.draft ?? { email: '', access: 'all', directoryIds: [] };
  const radio = (value: string, label: string) =>
    html`<div class="choice"><input type="radio" id="access-${value}" name="access" value="${value}"${draft.access === value ? html` checked` : ''}><label for="access-${value}">${label}</label></div>`;
  const boxes = view.directories.map(
    (d) => html`<label for="dir-${d.id}"><input type="checkbox" id="dir-${d.id}" name="directories" value="${d.id}"${draft.directoryIds.includes(d.id) ? html` checked` : ''}> ${d.display_name} (${d.slug})</label>`,
  );
  return html`<section class="panel" aria-labelledby="add-admin">
<h2 id="add-admin">${m.addTitle}</h2>
<p>${m.addIntro}</p>
${alertBox(view.error)}
<form method="post" action="/admin/administrators">
${csrfField(view.csrf)}
${adminEmailField(draft.email, false)}
${adminPasswordField({ name: 'password', label: adminMessages.fieldPassword, autocomplete: 'new-password', hint: adminMessages.setupPasswordHint.replace('{min}', String(ADMIN_PASSWORD_MIN_LENGTH)) })}
${adminPasswordField({ name: 'confirm', label: adminMessages.fieldConfirm, autocomplete: 'new-password' })}
<fieldset><legend>${m.accessLegend}</legend>
${radio('all', m.accessAll)}
${radio('some', m.accessSome)}
<div class="checks">${boxes}</div>
</fieldset>
<div class="actions"><button type="submit">${m.add}</button></div>
</form>
</section>`;
}

export function administratorsPage(view: AdministratorsView): string {
  return renderAdminPage(
    { title: m.title, admin: view.admin, csrf: view.csrf, breadcrumbs: [{ label: m.title }] },
    html`<h1>${m.title}</h1>
<p>${m.intro}</p>
${statusBox(view.notice)}
${alertBox(view.removalError)}
<div class="table-wrap"><table class="data admins">
<thead><tr><th scope="col">${m.columnEmail}</th><th scope="col">${m.columnAccess}</th><th scope="col">${m.columnAdded}</th><th scope="col"><span class="visually-hidden">${m.remove}</span></th></tr></thead>
<tbody>${view.admins.map((a) => adminRow(view, a))}</tbody>
</table></div>
${addForm(view)}`,
  );
}
