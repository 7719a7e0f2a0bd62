import { html, type Html } from '../../../http/html.ts';
import { csrfField } from '../../../http/layout.ts';
import { LOCALES } from '../../../i18n/i18n.ts';
import { TOKEN_CLAIMS } from '../../../oidc/oidc-provider-factory.ts';
import type { Directory, UserFlow, UserFlowType } from '../../../storage/schema.ts';
import type { SignedInAdmin } from '../../admin-session-store.ts';
import { alertBox, renderAdminPage, statusBox } from '../admin-layout.ts';
import { directoryCrumbs, directoryNav, directoryPath, scopeLabel } from './directory-pages.ts';

// "User flows": B2C's policies. The list with "Run now" on each, a form for a new one, and one flow's
// properties. Names get B2C's `B2C_1_` prefix, as the B2C portal adds it, so `p=` values carry over.

export const NAME_PREFIX = 'B2C_1_';

export const userFlowMessages = {
  title: 'User flows',
  intro: 'A user flow is a journey an application starts with p=<name> on the authorize request, or at /d/{directory}/{name}/oauth2/authorize.',
  empty: 'This directory has no user flow.',
  columnName: 'Name',
  columnType: 'Type',
  columnReset: '“Can’t access your account?”',
  runNow: 'Run now',
  properties: 'Properties',
  newFlow: 'New user flow',
  fieldName: 'Name',
  fieldNameHint: 'Letters, digits, _ and -. The B2C_1_ prefix is added for you.',
  fieldType: 'Type',
  create: 'Create',
  created: 'User flow created.',
  save: 'Save',
  saved: 'Saved.',
  removed: 'User flow deleted.',
  remove: 'Delete user flow',
  removeConfirm: 'Delete this user flow? Applications that start it get an error.',
  types: {
    sign_up_sign_in: 'Sign up and sign in',
    sign_in: 'Sign in',
    password_reset: 'Password reset',
    profile_edit: 'Profile editing',
  } satisfies Record<UserFlowType, string>,
  resetLegend: 'Self-service password reset in this flow',
  resetDirectory: 'Offer “Can’t access your account?” as the directory allows (now: {scope})',
  resetOff: 'Never offer it in this flow',
  attributesLegend: 'Attributes the profile editing page lets customers change',
  attributesHint: 'Used by profile editing flows. Sign-up always asks for a display name.',
  claimsLegend: 'Claims in the ID token and userinfo',
  claimsHint: '“sub” and “tfp” (this flow’s name) are always included.',
  localeLabel: 'Default language',
  localeDirectory: 'The directory’s default ({locale})',
  attributes: { display_name: 'Display name', locale: 'Language' } as Record<string, string>,
  claims: { email: 'Email address (email)', email_verified: 'Email verified (email_verified)', name: 'Display name (name)', preferred_username: 'Username (preferred_username)', locale: 'Language (locale)' } as Record<string, string>,
  locales: { en: 'English', fr: 'Français', nl: 'Nederlands' } as Record<string, string>,
  invalidName: 'Enter a name of 1 to 58 letters, digits, _ or -.',
  nameTaken: 'A user flow with this name already exists in this directory.',
  invalidType: 'Choose one of the four types.',
  invalidSettings: 'Choose among the options offered.',
  notFound: 'There is no such user flow in this directory.',
} as const;

export const COLLECTED_ATTRIBUTES = ['display_name', 'locale'] as const;

const m = userFlowMessages;

interface Frame {
  readonly admin: SignedInAdmin;
  readonly csrf: string;
  readonly directory: Directory;
}

const frame = (view: Frame, section: string, crumbs: { label: string; href?: string }[] = []) => ({
  title: `${view.directory.display_name} · ${section}`,
  admin: view.admin,
  csrf: view.csrf,
  breadcrumbs: crumbs.length ? [...directoryCrumbs(view.directory, m.title).slice(0, -1), { label: m.title, href: directoryPath(view.directory.slug, '/user-flows') }, ...crumbs] : directoryCrumbs(view.directory, m.title),
});

export const flowPath = (directory: Directory, flow: UserFlow, action = ''): string => directoryPath(directory.slug, `/user-flows/${flow.id}${action}`);

export interface UserFlowListView extends Frame {
  readonly flows: readonly UserFlow[];
  readonly notice?: string;
  readonly error?: string;
  readonly draft?: { name: string; type: string };
}

function resetCell(directory: Directory, flow: UserFlow): string {
  if (flow.type === 'password_reset') return '—';
  return flow.password_reset === 'off' || directory.reset_scope === 'none' ? 'Not offered' : 'Offered';
}

export function userFlowListPage(view: UserFlowListView): string {
  const draft = view.draft ?? { name: '', type: 'sign_up_sign_in' };
  const rows = view.flows.map(
    (flow) => html`<tr>
<th scope="row"><a href="${flowPath(view.directory, flow)}">${flow.name}</a></th>
<td>${m.types[flow.type]}</td>
<td>${resetCell(view.directory, flow)}</td>
<td><a class="button" href="${flowPath(view.directory, flow, '/run')}">${m.runNow}<span class="visually-hidden"> ${flow.name}</span></a></td>
</tr>`,
  );
  const types = (Object.keys(m.types) as UserFlowType[]).map(
    (type) => html`<div class="choice"><input type="radio" id="type-${type}" name="type" value="${type}"${draft.type === type ? html` checked` : ''}><label for="type-${type}">${m.types[type]}</label></div>`,
  );
  return renderAdminPage(
    frame(view, m.title),
    html`<p class="eyebrow">${view.directory.display_name}</p>
<h1>${m.title}</h1>
${directoryNav(view.directory, 'user-flows')}
<p>${m.intro.replace('{directory}', view.directory.slug)}</p>
${statusBox(view.notice)}
${view.flows.length
  ? html`<div class="table-wrap"><table><thead><tr><th scope="col">${m.columnName}</th><th scope="col">${m.columnType}</th><th scope="col">${m.columnReset}</th><th scope="col"><span class="visually-hidden">${m.runNow}</span></th></tr></thead><tbody>${rows}</tbody></table></div>`
  : html`<p>${m.empty}</p>`}
<section class="panel" aria-labelledby="new-flow">
<h2 id="new-flow">${m.newFlow}</h2>
${alertBox(view.error)}
<form method="post" action="${directoryPath(view.directory.slug, '/user-flows')}">
${csrfField(view.csrf)}
<div class="field"><label for="field-name">${m.fieldName}</label>
<div class="prefixed"><span aria-hidden="true">${NAME_PREFIX}</span><input type="text" id="field-name" name="name" required maxlength="64" pattern="[A-Za-z0-9_\\-]+" value="${draft.name}" aria-describedby="field-name-hint"></div>
<p class="hint" id="field-name-hint">${m.fieldNameHint}</p></div>
<fieldset><legend>${m.fieldType}</legend>${types}</fieldset>
<div class="actions"><button type="submit">${m.create}</button></div>
</form>
</section>`,
  );
}

export interface UserFlowView extends Frame {
  readonly flow: UserFlow;
  readonly notice?: string;
  readonly error?: string;
}

function checkboxes(name: string, options: readonly string[], labels: Record<string, string>, checked: readonly string[]): Html[] {
  return options.map(
    (option) => html`<div class="choice"><input type="checkbox" id="${name}-${option}" name="${name}" value="${option}"${checked.includes(option) ? html` checked` : ''}><label for="${name}-${option}">${labels[option] ?? option}</label></div>`,
  );
}

export function userFlowPage(view: UserFlowView): string {
  const { directory, flow } = view;
  const reset = (value: 'directory' | 'off', label: string) =>
    html`<div class="choice"><input type="radio" id="reset-${value}" name="password_reset" value="${value}"${(flow.password_reset === 'off' ? 'off' : 'directory') === value ? html` checked` : ''}><label for="reset-${value}">${label}</label></div>`;
  const locales = LOCALES.map((locale) => html`<option value="${locale}"${flow.default_locale === locale ? html` selected` : ''}>${m.locales[locale] ?? locale}</option>`);
  return renderAdminPage(
    frame(view, flow.name, [{ label: flow.name }]),
    html`<p class="eyebrow">${directory.display_name} · ${m.types[flow.type]}</p>
<h1>${flow.name}</h1>
${directoryNav(directory, 'user-flows')}
${statusBox(view.notice)}
${alertBox(view.error)}
<p><a class="button" href="${flowPath(directory, flow, '/run')}">${m.runNow}</a></p>
<section class="panel" aria-labelledby="properties">
<h2 id="properties">${m.properties}</h2>
<form method="post" action="${flowPath(directory, flow)}">
${csrfField(view.csrf)}
${flow.type === 'password_reset' ? '' : html`<fieldset><legend>${m.resetLegend}</legend>${reset('directory', m.resetDirectory.replace('{scope}', scopeLabel(directory.reset_scope)))}${reset('off', m.resetOff)}</fieldset>`}
<fieldset><legend>${m.attributesLegend}</legend><p class="hint">${m.attributesHint}</p>${checkboxes('attributes', COLLECTED_ATTRIBUTES, m.attributes, flow.collected_attributes)}</fieldset>
<fieldset><legend>${m.claimsLegend}</legend><p class="hint">${m.claimsHint}</p>${checkboxes('claims', TOKEN_CLAIMS, m.claims, flow.token_claims)}</fieldset>
<div class="field"><label for="field-locale">${m.localeLabel}</label><select id="field-locale" name="default_locale">
<option value=""${flow.default_locale === null ? html` selected` : ''}>${m.localeDirectory.replace('{locale}', m.locales[directory.default_locale] ?? directory.default_locale)}</option>
${locales}
</select></div>
<div class="actions"><button type="submit">${m.save}</button></div>
</form>
</section>
<form method="post" action="${flowPath(directory, flow, '/delete')}" data-confirm="${m.removeConfirm}">${csrfField(view.csrf)}<button type="submit" class="danger">${m.remove}</button></form>`,
  );
}
