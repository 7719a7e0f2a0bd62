import { html, type Html } from '../../../http/html.ts';
import { csrfField } from '../../../http/layout.ts';
import type { Directory } from '../../../storage/schema.ts';
import type { SignedInAdmin } from '../../admin-session-store.ts';
import type { AccountRow } from '../../users/account-search.ts';
import { alertBox, renderAdminPage, statusBox } from '../admin-layout.ts';
import { directoryCrumbs, directoryNav, directoryPath } from './directory-pages.ts';
import { userMessages as m } from './user-messages.ts';

// The Users page: search, one page of results, and the form that creates a local account.

export interface UserDraft {
  readonly email: string;
  readonly username: string;
  readonly displayName: string;
  readonly verified: boolean;
  readonly mustChange: boolean;
}

export interface UserListView {
  readonly admin: SignedInAdmin;
  readonly csrf: string;
  readonly directory: Directory;
  readonly query: string;
  readonly rows: readonly AccountRow[];
  /** Where the next page starts, when there is one. */
  readonly next?: string;
  readonly paged: boolean;
  readonly minLength: number;
  readonly notice?: string;
  readonly searchError?: string;
  readonly createError?: string;
  readonly draft?: UserDraft;
}

export const userPath = (directory: Directory, id = '', action = ''): string => directoryPath(directory.slug, `/users${id ? `/${id}` : ''}${action}`);

export function stateLabel(row: Pick<AccountRow, 'disabled' | 'locked_until'>, now = new Date()): Html {
  if (row.disabled) return html`<span class="badge">${m.blocked}</span>`;
  if (row.locked_until && row.locked_until > now) return html`<span class="badge">${m.locked}</span>`;
  return html`${m.active}`;
}

function results(view: UserListView): Html {
  if (view.rows.length === 0) return html`<p>${view.query || view.paged ? m.empty : m.none}</p>`;
  const rows = view.rows.map(
    (row) => html`<tr>
<td><a href="${userPath(view.directory, row.id)}">${row.email}</a></td>
<td>${row.username ?? ''}</td>
<td>${row.display_name}</td>
<td>${stateLabel(row)}</td>
</tr>`,
  );
  const q = view.query ? `q=${encodeURIComponent(view.query)}&` : '';
  const pager = html`<nav class="pager" aria-label="Pages">
${view.paged ? html`<a href="${userPath(view.directory)}${view.query ? `?q=${encodeURIComponent(view.query)}` : ''}">${m.firstPage}</a>` : ''}
${view.next ? html`<a href="${userPath(view.directory)}?${q}after=${encodeURIComponent(view.next)}" rel="next">${m.nextPage}</a>` : ''}
</nav>`;
  return html`<table class="list">
<thead><tr><th scope="col">${m.columnEmail}</th><th scope="col">${m.columnUsername}</th><th scope="col">${m.columnName}</th><th scope="col">${m.columnState}</th></tr></thead>
<tbody>${rows}</tbody>
</table>
${pager}`;
}

function createForm(view: UserListView): Html {
  const draft = view.draft ?? { email: '', username: '', displayName: '', verified: true, mustChange: true };
  const usernames = view.directory.sign_in_identifier === 'username';
  const check = (name: string, label: string, on: boolean) =>
    html`<div class="choice"><input type="checkbox" id="field-${name}" name="${name}" value="1"${on ? html` checked` : ''}><label for="field-${name}">${label}</label></div>`;
  return html`<section class="panel" aria-labelledby="new-user">
<h2 id="new-user">${m.newUser}</h2>
${alertBox(view.createError)}
<form method="post" action="${userPath(view.directory)}">
${csrfField(view.csrf)}
<div class="field"><label for="field-email">${m.fieldEmail}</label><input type="email" id="field-email" name="email" required maxlength="254" autocomplete="off" value="${draft.email}"></div>
${usernames ? html`<div class="field"><label for="field-username">${m.fieldUsername}</label><input type="text" id="field-username" name="username" required maxlength="64" autocomplete="off" value="${draft.username}"></div>` : ''}
<div class="field"><label for="field-display-name">${m.fieldDisplayName}</label><input type="text" id="field-display-name" name="display_name" required maxlength="100" value="${draft.displayName}"></div>
<div class="field"><label for="field-password">${m.fieldPassword}</label><input type="password" id="field-password" name="password" required maxlength="1024" autocomplete="new-password" aria-describedby="field-password-hint"><p class="hint" id="field-password-hint">${m.fieldPasswordHint.replace('{min}', String(view.minLength))}</p></div>
${check('email_verified', m.fieldVerified, draft.verified)}
${check('must_change_password', m.fieldMustChange, draft.mustChange)}
<div class="actions"><button type="submit">${m.create}</button></div>
</form>
</section>`;
}

export function userListPage(view: UserListView): string {
  const { directory } = view;
  return renderAdminPage(
    { title: `${directory.display_name} · ${m.title}`, admin: view.admin, csrf: view.csrf, breadcrumbs: directoryCrumbs(directory, m.title) },
    html`<p class="eyebrow">${directory.display_name}</p>
<h1>${m.title}</h1>
${directoryNav(directory, 'users')}
<p>${m.intro}</p>
${statusBox(view.notice)}
<form method="get" action="${userPath(directory)}" class="search" role="search">
<div class="field"><label for="field-q">${m.searchLabel}</label><input type="search" id="field-q" name="q" maxlength="254" value="${view.query}"></div>
<button type="submit">${m.searchButton}</button>
${view.query ? html`<a href="${userPath(directory)}">${m.clear}</a>` : ''}
</form>
${alertBox(view.searchError)}
${results(view)}
<div class="stack">${createForm(view)}</div>`,
  );
}
