import { html, type Html } from '../../../http/html.ts';
import type { GroupSummary } from '../../groups/group-admin.ts';
import { csrfField } from '../../../http/layout.ts';
import type { Directory, ResetScope } from '../../../storage/schema.ts';
import type { SignedInAdmin } from '../../admin-session-store.ts';
import { adminMessages as m } from '../admin-messages.ts';
import { alertBox, renderAdminPage, statusBox } from '../admin-layout.ts';
import { directoryCrumbs, directoryNav, directoryPath } from './directory-pages.ts';

export interface PasswordResetView {
  readonly admin: SignedInAdmin;
  readonly csrf: string;
  readonly directory: Directory;
  readonly groups: readonly GroupSummary[];
  readonly saved?: boolean;
  readonly error?: string;
}

const CHOICES: readonly { value: ResetScope; label: string; hint: string }[] = [
  { value: 'none', label: m.scopeNone, hint: m.scopeNoneHint },
  { value: 'all', label: m.scopeAll, hint: m.scopeAllHint },
  { value: 'selected', label: m.scopeSelected, hint: m.scopeSelectedHint },
];

/** The group picker of "Selected": every group of the directory, ticked when its members may reset. */
function groupPicker(view: PasswordResetView): Html {
  const boxes = view.groups.map(
    (g) => html`<div class="choice"><input type="checkbox" id="reset-group-${g.id}" name="reset_groups" value="${g.id}"${g.reset_allowed ? html` checked` : ''}><label for="reset-group-${g.id}">${g.name} (${g.members})</label></div>`,
  );
  return html`<fieldset class="stack">
<legend>${m.resetGroupsLegend}</legend>
${view.groups.length ? boxes : html`<p class="hint">${m.resetGroupsNone} <a href="${directoryPath(view.directory.slug, '/groups')}">${m.navGroups}</a></p>`}
</fieldset>`;
}

export function passwordResetPage(view: PasswordResetView): string {
  const { directory } = view;
  const radios = CHOICES.map(
    (choice) => html`<div class="choice">
<input type="radio" id="reset-scope-${choice.value}" name="reset_scope" value="${choice.value}" aria-describedby="reset-scope-${choice.value}-hint"${directory.reset_scope === choice.value ? html` checked` : ''}>
<label for="reset-scope-${choice.value}">${choice.label}</label>
<p class="hint" id="reset-scope-${choice.value}-hint">${choice.hint}</p>
</div>`,
  );
  return renderAdminPage(
    { title: `${directory.display_name} · ${m.passwordResetTitle}`, admin: view.admin, csrf: view.csrf, breadcrumbs: directoryCrumbs(directory, m.passwordResetTitle) },
    html`<p class="eyebrow">${directory.display_name}</p>
<h1>${m.passwordResetTitle}</h1>
${directoryNav(directory, 'password-reset')}
<section class="panel">
${statusBox(view.saved ? m.saved : undefined)}
${alertBox(view.error)}
<form method="post" action="${directoryPath(directory.slug, '/password-reset')}">
${csrfField(view.csrf)}
<fieldset>
<legend>${m.passwordResetLegend}</legend>
${radios}
</fieldset>
${groupPicker(view)}
<div class="actions"><button type="submit">${m.save}</button></div>
</form>
</section>`,
  );
}
