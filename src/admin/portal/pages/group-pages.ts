import { html, type Html } from '../../../http/html.ts';
import { csrfField } from '../../../http/layout.ts';
import type { Directory, Group } from '../../../storage/schema.ts';
import type { SignedInAdmin } from '../../admin-session-store.ts';
import type { GroupMember, GroupSummary } from '../../groups/group-admin.ts';
import type { AccountRow } from '../../users/account-search.ts';
import { alertBox, renderAdminPage, statusBox } from '../admin-layout.ts';
import { directoryCrumbs, directoryNav, directoryPath } from './directory-pages.ts';
import { userPath } from './user-list-page.ts';

// The Groups page of a directory and one group: its name, its members, and adding members found by the
// same search as the Users page.

export const groupMessages = {
  title: 'Groups',
  intro: 'Groups of users. With self-service password reset set to Selected, only members of the chosen groups can reset.',
  empty: 'This directory has no groups yet.',
  columnName: 'Name',
  columnMembers: 'Members',
  columnReset: 'Can reset',
  newGroup: 'New group',
  fieldName: 'Group name',
  create: 'Create group',
  created: 'Group created.',
  renamed: 'Group renamed.',
  removed: 'Group deleted.',
  added: 'Member added.',
  memberRemoved: 'Member removed.',
  invalidName: 'Enter a group name of 1 to 100 characters.',
  duplicateName: 'A group with this name already exists in this directory.',
  rename: 'Save name',
  remove: 'Delete group',
  removeConfirm: 'Delete this group? Its members keep their accounts.',
  members: 'Members',
  noMembers: 'This group has no members yet.',
  removeMember: 'Remove',
  addMembers: 'Add members',
  searchLabel: 'Search users to add',
  searchButton: 'Search',
  add: 'Add',
  already: 'Member',
  noMatch: 'No user matches.',
  notFoundTitle: 'Group not found',
  notFound: 'There is no group with this ID in this directory. Nothing was changed.',
  unknownMember: 'There is no user with this ID in this directory. Nothing was changed.',
  yes: 'Yes',
  no: 'No',
} as const;
const m = groupMessages;

export const groupPath = (directory: Directory, id = '', action = ''): string => directoryPath(directory.slug, `/groups${id ? `/${id}` : ''}${action}`);

interface Frame {
  readonly admin: SignedInAdmin;
  readonly csrf: string;
  readonly directory: Directory;
  readonly notice?: string;
  readonly error?: string;
}

export interface GroupListView extends Frame {
  readonly groups: readonly GroupSummary[];
  readonly draft?: string;
}

export interface GroupView extends Frame {
  readonly group: Group;
  readonly members: readonly GroupMember[];
  readonly query: string;
  readonly found: readonly AccountRow[];
  readonly draft?: string;
}

const nameField = (id: string, value: string) =>
  html`<div class="field"><label for="${id}">${m.fieldName}</label><input type="text" id="${id}" name="name" required maxlength="100" value="${value}"></div>`;

const post = (view: Frame, action: string, label: string, fields: Html | string = '', style = '') =>
  html`<form method="post" action="${action}">${csrfField(view.csrf)}${fields}<button type="submit"${style ? html` class="${style}"` : ''}>${label}</button></form>`;

function page(view: Frame, title: string, crumbs: { label: string; href?: string }[], body: Html): string {
  return renderAdminPage(
    { title: `${view.directory.display_name} · ${title}`, admin: view.admin, csrf: view.csrf, breadcrumbs: crumbs },
    html`<p class="eyebrow">${view.directory.display_name}</p>
<h1>${title}</h1>
${directoryNav(view.directory, 'groups')}
${statusBox(view.notice)}
${body}`,
  );
}

export function groupListPage(view: GroupListView): string {
  const rows = view.groups.map(
    (g) => html`<tr><td><a href="${groupPath(view.directory, g.id)}">${g.name}</a></td><td>${g.members}</td><td>${g.reset_allowed ? m.yes : m.no}</td></tr>`,
  );
  return page(view, m.title, directoryCrumbs(view.directory, m.title), html`<p>${m.intro}</p>
${view.groups.length
  ? html`<table class="list"><thead><tr><th scope="col">${m.columnName}</th><th scope="col">${m.columnMembers}</th><th scope="col">${m.columnReset}</th></tr></thead><tbody>${rows}</tbody></table>`
  : html`<p>${m.empty}</p>`}
<div class="stack"><section class="panel" aria-labelledby="new-group">
<h2 id="new-group">${m.newGroup}</h2>
${alertBox(view.error)}
<form method="post" action="${groupPath(view.directory)}">${csrfField(view.csrf)}${nameField('field-name', view.draft ?? '')}<div class="actions"><button type="submit">${m.create}</button></div></form>
</section></div>`);
}

function memberTable(view: GroupView): Html {
  if (view.members.length === 0) return html`<p>${m.noMembers}</p>`;
  const rows = view.members.map(
    (member) => html`<tr><td><a href="${userPath(view.directory, member.id)}">${member.email}</a></td><td>${member.display_name}</td>
<td>${post(view, groupPath(view.directory, view.group.id, `/members/${member.id}/remove`), m.removeMember, '', 'quiet')}</td></tr>`,
  );
  return html`<table class="list"><thead><tr><th scope="col">Email</th><th scope="col">Display name</th><th scope="col"><span class="skip">${m.removeMember}</span></th></tr></thead><tbody>${rows}</tbody></table>`;
}

function addMembers(view: GroupView): Html {
  const members = new Set(view.members.map((member) => member.id));
  const results = view.found.map(
    (row) => html`<tr><td>${row.email}</td><td>${row.display_name}</td>
<td>${members.has(row.id) ? m.already : post(view, groupPath(view.directory, view.group.id, '/members'), m.add, html`<input type="hidden" name="account_id" value="${row.id}">`, 'quiet')}</td></tr>`,
  );
  return html`<section class="panel" aria-labelledby="add-members">
<h2 id="add-members">${m.addMembers}</h2>
<form method="get" action="${groupPath(view.directory, view.group.id)}" class="search" role="search">
<div class="field"><label for="field-q">${m.searchLabel}</label><input type="search" id="field-q" name="q" maxlength="254" value="${view.query}"></div>
<button type="submit">${m.searchButton}</button>
</form>
${view.query ? (results.length ? html`<table class="list"><tbody>${results}</tbody></table>` : html`<p>${m.noMatch}</p>`) : ''}
</section>`;
}

export function groupPage(view: GroupView): string {
  const crumbs = [...directoryCrumbs(view.directory, m.title).slice(0, -1), { label: m.title, href: groupPath(view.directory) }, { label: view.group.name }];
  return page(view, view.group.name, crumbs, html`${alertBox(view.error)}
<section class="panel" aria-labelledby="members"><h2 id="members">${m.members}</h2>${memberTable(view)}</section>
<div class="stack">
${addMembers(view)}
<section class="panel" aria-label="${m.fieldName}">
<form method="post" action="${groupPath(view.directory, view.group.id, '/rename')}">${csrfField(view.csrf)}${nameField('field-rename', view.draft ?? view.group.name)}<div class="actions"><button type="submit">${m.rename}</button></div></form>
<form method="post" action="${groupPath(view.directory, view.group.id, '/delete')}" data-confirm="${m.removeConfirm}"><div class="actions">${csrfField(view.csrf)}<button type="submit" class="danger">${m.remove}</button></div></form>
</section>
</div>`);
}
