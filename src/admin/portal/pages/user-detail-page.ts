import { html, type Html } from '../../../http/html.ts';
import { csrfField } from '../../../http/layout.ts';
import { LOCALES, translator } from '../../../i18n/i18n.ts';
import type { Directory } from '../../../storage/schema.ts';
import type { SignedInAdmin } from '../../admin-session-store.ts';
import type { AccountDetails } from '../../users/user-admin.ts';
import { alertBox, renderAdminPage, statusBox } from '../admin-layout.ts';
import { directoryCrumbs, directoryNav, directoryPath } from './directory-pages.ts';
import { stateLabel, userPath } from './user-list-page.ts';
import { userMessages as m } from './user-messages.ts';

// One account: who it is, its state, its profile, and what an administrator may do to it. Nothing here
// shows or sets a password (R23).

export interface UserDetailView {
  readonly admin: SignedInAdmin;
  readonly csrf: string;
  readonly directory: Directory;
  readonly details: AccountDetails;
  readonly notice?: string;
  readonly error?: string;
  /** The profile as typed, after an error. */
  readonly draft?: { displayName: string; locale: string; verified: boolean };
}

const when = (date: Date | null): string => (date ? `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC` : m.never);

function facts(view: UserDetailView): Html {
  const { account, activeSessions, groups } = view.details;
  const locked = account.locked_until && account.locked_until > new Date();
  const lockout = (locked ? m.lockedUntil.replace('{until}', when(account.locked_until)) : m.notLocked).replace('{failures}', String(account.failed_sign_ins));
  const groupLinks = groups.length
    ? groups.map((g, i) => html`${i ? ', ' : ''}<a href="${directoryPath(view.directory.slug, `/groups/${g.id}`)}">${g.name}</a>`)
    : m.noGroups;
  return html`<dl class="facts">
<dt>${m.identities}</dt><dd>${m.columnEmail}: ${account.email}${account.username ? html`<br>${m.columnUsername}: ${account.username}` : ''}</dd>
<dt>${m.emailVerified}</dt><dd>${account.email_verified ? m.yes : m.no}</dd>
<dt>${m.status}</dt><dd>${stateLabel(account)}</dd>
<dt>${m.createdAt}</dt><dd>${when(account.created_at)}</dd>
<dt>${m.lastSignIn}</dt><dd>${when(account.last_sign_in_at)}</dd>
<dt>${m.lockout}</dt><dd>${lockout}</dd>
<dt>${m.sessions}</dt><dd>${activeSessions}</dd>
<dt>${m.groups}</dt><dd>${groupLinks}</dd>
<dt>${m.mustChange}</dt><dd>${account.must_change_password ? m.mustChangePending : m.no}</dd>
</dl>`;
}

function profileForm(view: UserDetailView): Html {
  const { account } = view.details;
  const draft = view.draft ?? { displayName: account.display_name, locale: account.locale ?? '', verified: account.email_verified };
  const option = (value: string, label: string) => html`<option value="${value}"${draft.locale === value ? html` selected` : ''}>${label}</option>`;
  return html`<section class="panel" aria-labelledby="profile">
<h2 id="profile">${m.profile}</h2>
${alertBox(view.error)}
<form method="post" action="${userPath(view.directory, account.id, '/profile')}">
${csrfField(view.csrf)}
<div class="field"><label for="field-display-name">${m.fieldDisplayName}</label><input type="text" id="field-display-name" name="display_name" required maxlength="100" value="${draft.displayName}"></div>
<div class="field"><label for="field-locale">${m.fieldLocale}</label><select id="field-locale" name="locale">${option('', m.localeDefault)}${LOCALES.map((l) => option(l, translator(l)('language_name')))}</select></div>
<div class="choice"><input type="checkbox" id="field-email_verified" name="email_verified" value="1"${draft.verified ? html` checked` : ''}><label for="field-email_verified">${m.fieldVerified}</label></div>
<div class="actions"><button type="submit">${m.saveProfile}</button></div>
</form>
</section>`;
}

function actionForm(view: UserDetailView, action: string, label: string, hint?: string, style = ''): Html {
  return html`<form method="post" action="${userPath(view.directory, view.details.account.id, action)}">
${csrfField(view.csrf)}
<button type="submit"${style ? html` class="${style}"` : ''}>${label}</button>
${hint ? html`<p class="hint">${hint}</p>` : ''}
</form>`;
}

function actions(view: UserDetailView): Html {
  const { account } = view.details;
  return html`<section class="panel" aria-labelledby="account-actions">
<h2 id="account-actions">${m.actionsTitle}</h2>
<div class="stack">
${account.disabled ? actionForm(view, '/unblock', m.unblock) : actionForm(view, '/block', m.block, m.blockHint, 'danger')}
${actionForm(view, '/reset-email', m.sendReset, m.sendResetHint, 'quiet')}
${actionForm(view, '/force-change', m.forceChange, m.forceChangeHint, 'quiet')}
<p><a href="${userPath(view.directory, account.id, '/delete')}">${m.remove}</a></p>
</div>
</section>`;
}

export function userDetailPage(view: UserDetailView): string {
  const { directory } = view;
  const { account } = view.details;
  return renderAdminPage(
    { title: `${account.email} · ${m.title}`, admin: view.admin, csrf: view.csrf, breadcrumbs: [...directoryCrumbs(directory, m.title).slice(0, -1), { label: m.title, href: userPath(directory) }, { label: account.email }] },
    html`<p class="eyebrow">${directory.display_name}</p>
<h1>${account.display_name}</h1>
${directoryNav(directory, 'users')}
${statusBox(view.notice)}
<section class="panel" aria-label="${m.identities}">${facts(view)}</section>
<div class="stack">${profileForm(view)}${actions(view)}</div>`,
  );
}

/** The confirmation step before a deletion: the POST that deletes is only on this page. */
export function userDeletePage(view: Omit<UserDetailView, 'notice' | 'error' | 'draft'>): string {
  const { directory } = view;
  const { account } = view.details;
  return renderAdminPage(
    { title: `${m.removeTitle} · ${account.email}`, admin: view.admin, csrf: view.csrf, breadcrumbs: [...directoryCrumbs(directory, m.title).slice(0, -1), { label: m.title, href: userPath(directory) }, { label: account.email }] },
    html`<h1>${m.removeTitle}</h1>
<section class="panel">
<p>${m.removeConfirm.replace('{email}', account.email)}</p>
<form method="post" action="${userPath(directory, account.id, '/delete')}">
${csrfField(view.csrf)}
<div class="actions"><button type="submit" class="danger">${m.removeButton}</button><a href="${userPath(directory, account.id)}">${m.cancel}</a></div>
</form>
</section>`,
  );
}
