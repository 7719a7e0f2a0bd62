import { html, type Html } from '../../../http/html.ts';
import type { Links } from '../../../http/links.ts';
import type { Directory, ResetScope, SignInIdentifier } from '../../../storage/schema.ts';
import type { SignedInAdmin } from '../../admin-session-store.ts';
import { adminMessages as m } from '../admin-messages.ts';
import { renderAdminPage } from '../admin-layout.ts';

// The directory list and one directory's overview. Each directory section page shares the same nav.
// Display names need not be unique, so the list names each directory by its slug as well.

export const directoryPath = (slug: string, section = ''): string => `/admin/d/${encodeURIComponent(slug)}${section}`;

export const identifierLabel = (identifier: SignInIdentifier): string => (identifier === 'email' ? m.identifierEmail : m.identifierUsername);
export const scopeLabel = (scope: ResetScope): string => (scope === 'all' ? m.scopeAll : scope === 'selected' ? m.scopeSelected : m.scopeNone);

export type DirectorySection = 'overview' | 'users' | 'groups' | 'password-reset' | 'user-flows' | 'applications' | 'signing-keys' | 'branding' | 'audit' | 'languages' | 'email';

/** The nav of a directory's pages; the current one is marked for screen readers and styling. */
export function directoryNav(directory: Directory, current: DirectorySection): Html {
  const item = (section: DirectorySection, href: string, label: string) =>
    html`<li><a href="${href}"${section === current ? html` aria-current="page"` : ''}>${label}</a></li>`;
  return html`<nav aria-label="${m.navLabel}" class="tabs"><ul>
${item('overview', directoryPath(directory.slug), m.navOverview)}
${item('users', directoryPath(directory.slug, '/users'), m.navUsers)}
${item('groups', directoryPath(directory.slug, '/groups'), m.navGroups)}
${item('password-reset', directoryPath(directory.slug, '/password-reset'), m.navPasswordReset)}
${item('user-flows', directoryPath(directory.slug, '/user-flows'), 'User flows')}
${item('applications', directoryPath(directory.slug, '/applications'), 'App registrations')}
${item('signing-keys', directoryPath(directory.slug, '/signing-keys'), 'Signing keys')}
${item('audit', directoryPath(directory.slug, '/audit'), m.navAudit)}
${item('branding', directoryPath(directory.slug, '/branding'), 'Company branding')}
${item('languages', directoryPath(directory.slug, '/languages'), 'Languages')}
${item('email', directoryPath(directory.slug, '/email'), 'Email templates')}
</ul></nav>`;
}

export function directoryCrumbs(directory: Directory, section?: string): { label: string; href?: string }[] {
  const crumbs: { label: string; href?: string }[] = [{ label: m.directoriesTitle, href: '/admin' }];
  if (section) crumbs.push({ label: directory.display_name, href: directoryPath(directory.slug) }, { label: section });
  else crumbs.push({ label: directory.display_name });
  return crumbs;
}

export function directoryListPage(admin: SignedInAdmin, csrf: string, directories: readonly Directory[]): string {
  const cards = directories.map(
    (d) => html`<li class="card">
<h2><a href="${directoryPath(d.slug)}">${d.display_name} <span class="slug">(${d.slug})</span></a></h2>
<dl class="facts">
<dt>${m.columnSlug}</dt><dd><code>${d.slug}</code></dd>
<dt>${m.columnIdentifier}</dt><dd>${identifierLabel(d.sign_in_identifier)}</dd>
<dt>${m.columnReset}</dt><dd>${scopeLabel(d.reset_scope)}</dd>
</dl>
</li>`,
  );
  return renderAdminPage(
    { title: m.directoriesTitle, admin, csrf },
    html`<h1>${m.directoriesTitle}</h1>
<p>${m.directoriesIntro}</p>
${directories.length ? html`<ul class="cards">${cards}</ul>` : html`<p>${m.directoriesEmpty}</p>`}`,
  );
}

export function directoryOverviewPage(admin: SignedInAdmin, csrf: string, directory: Directory, links: Links): string {
  const signIn = links.paths.signIn(directory.slug);
  return renderAdminPage(
    { title: `${directory.display_name} · ${m.overviewTitle}`, admin, csrf, breadcrumbs: directoryCrumbs(directory) },
    html`<h1>${directory.display_name}</h1>
${directoryNav(directory, 'overview')}
<section class="panel" aria-label="${m.overviewTitle}">
<dl class="facts">
<dt>${m.columnName}</dt><dd>${directory.display_name}</dd>
<dt>${m.columnSlug}</dt><dd><code>${directory.slug}</code></dd>
<dt>${m.columnIdentifier}</dt><dd>${identifierLabel(directory.sign_in_identifier)}</dd>
<dt>${m.columnReset}</dt><dd>${scopeLabel(directory.reset_scope)}</dd>
<dt>${m.customerSignInPage}</dt><dd><a href="${signIn}">${links.absolute(signIn)}</a></dd>
</dl>
</section>`,
  );
}
