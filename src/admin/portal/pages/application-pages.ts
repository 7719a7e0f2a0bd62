import { html, type Html } from '../../../http/html.ts';
import { csrfField } from '../../../http/layout.ts';
import type { Application, Directory, UserFlow } from '../../../storage/schema.ts';
import type { SignedInAdmin } from '../../admin-session-store.ts';
import { alertBox, renderAdminPage, statusBox } from '../admin-layout.ts';
import { directoryCrumbs, directoryNav, directoryPath } from './directory-pages.ts';

// "App registrations": the OpenID Connect clients of a directory, as B2C's blade of the same name.

export const applicationMessages = {
  title: 'App registrations',
  intro: 'Applications that sign customers in with this directory over OpenID Connect.',
  newRegistration: 'New registration',
  empty: 'No application is registered yet.',
  builtIn: 'Built in: used by “Run now”',
  columnName: 'Name',
  columnClientId: 'Client ID',
  columnType: 'Type',
  columnRedirects: 'Redirect URIs',
  columnFlows: 'User flows',
  allFlows: 'All user flows',
  typePublic: 'Public (single-page or native app, PKCE)',
  typeConfidential: 'Confidential (server-side app with a client secret)',
  fieldName: 'Display name',
  fieldRedirects: 'Redirect URIs',
  fieldRedirectsHint: 'One per line, matched exactly. https://, or http:// only for localhost and 127.0.0.1.',
  fieldType: 'Client type',
  fieldFlows: 'User flows this application may start',
  fieldFlowsHint: 'None ticked means every user flow of the directory.',
  register: 'Register',
  secretTitle: 'Client secret',
  secretOnce: 'Copy this secret now. It is shown only once; Latchkey keeps only a hash of it.',
  rotate: 'Rotate secret',
  rotateWarning: 'The current secret stops working at once.',
  remove: 'Delete',
  removeConfirm: 'Delete this registration? Applications using it can no longer sign customers in.',
  registered: 'Application registered.',
  saved: 'Application saved.',
  edit: 'Edit',
  editTitle: 'Edit {name}',
  save: 'Save',
  cancel: 'Cancel',
  typeFixed: 'The client type is fixed at registration.',
  removed: 'Application deleted.',
  invalidName: 'Enter a display name of 1 to 100 characters.',
  invalidRedirects: 'Enter 1 to 10 redirect URIs, one per line.',
  invalidRedirect: 'This redirect URI cannot be used: {uri} ({problem}).',
  invalidFlows: 'Choose user flows of this directory only.',
  problems: {
    not_absolute: 'it must be an absolute URL',
    fragment: 'it must not contain a #fragment',
    insecure: 'it must use https, or http on localhost',
    too_long: 'it is longer than 2,000 characters',
    credentials: 'it must not contain a user name or password',
  },
} as const;

const m = applicationMessages;
const frame = (view: { admin: SignedInAdmin; csrf: string; directory: Directory }) => ({
  title: `${view.directory.display_name} · ${m.title}`,
  admin: view.admin,
  csrf: view.csrf,
  breadcrumbs: directoryCrumbs(view.directory, m.title),
});

export interface ApplicationsView {
  readonly admin: SignedInAdmin;
  readonly csrf: string;
  readonly directory: Directory;
  readonly applications: readonly Application[];
  readonly userFlows: readonly UserFlow[];
  readonly notice?: string;
  readonly error?: string;
  /** What the administrator typed, kept after an error so nothing is lost. */
  readonly draft?: { name: string; redirects: string; type: string; flows: readonly string[] };
  /** Shown once, after registration or rotation, for the application it belongs to. */
  readonly secret?: { applicationId: string; value: string };
}

function applicationRow(view: ApplicationsView, application: Application): Html {
  const base = directoryPath(view.directory.slug, `/applications/${application.id}`);
  const secret = view.secret?.applicationId === application.id
    ? html`<div class="alert ok" role="status"><strong>${m.secretTitle}:</strong> <code class="secret">${view.secret.value}</code><p>${m.secretOnce}</p></div>`
    : '';
  const actions = application.built_in
    ? html`<p class="hint">${m.builtIn}</p>`
    : html`<div class="actions">
<a class="button quiet" href="${base}">${m.edit}<span class="visually-hidden"> ${application.display_name}</span></a>
${application.client_type === 'confidential' ? html`<form method="post" action="${base}/rotate">${csrfField(view.csrf)}<button type="submit" class="quiet" title="${m.rotateWarning}">${m.rotate}</button></form>` : ''}
<form method="post" action="${base}/delete" data-confirm="${m.removeConfirm}">${csrfField(view.csrf)}<button type="submit" class="danger">${m.remove}</button></form>
</div>`;
  return html`<li class="card">
<h2>${application.display_name}</h2>
${secret}
<dl class="facts">
<dt>${m.columnClientId}</dt><dd><code>${application.client_id}</code></dd>
<dt>${m.columnType}</dt><dd>${application.client_type === 'public' ? m.typePublic : m.typeConfidential}</dd>
<dt>${m.columnRedirects}</dt><dd>${application.redirect_uris.map((uri) => html`<code>${uri}</code><br>`)}</dd>
<dt>${m.columnFlows}</dt><dd>${application.built_in || application.allowed_user_flows.length === 0 ? m.allFlows : application.allowed_user_flows.join(', ')}</dd>
</dl>
${actions}
</li>`;
}

type Draft = NonNullable<ApplicationsView['draft']>;

/** The fields shared by registration and editing; the client type only where it can still be chosen. */
function registrationFields(userFlows: readonly UserFlow[], draft: Draft, typeChoice: boolean): Html {
  const flows = userFlows.map(
    (flow) => html`<div class="choice"><input type="checkbox" id="flow-${flow.id}" name="flows" value="${flow.name}"${draft.flows.includes(flow.name) ? html` checked` : ''}><label for="flow-${flow.id}">${flow.name}</label></div>`,
  );
  const type = (value: string, label: string) =>
    html`<div class="choice"><input type="radio" id="type-${value}" name="client_type" value="${value}"${draft.type === value ? html` checked` : ''}${typeChoice ? '' : html` disabled`}><label for="type-${value}">${label}</label></div>`;
  return html`<div class="field"><label for="field-name">${m.fieldName}</label><input type="text" id="field-name" name="display_name" required maxlength="100" value="${draft.name}"></div>
<div class="field"><label for="field-redirects">${m.fieldRedirects}</label><textarea id="field-redirects" name="redirect_uris" rows="3" required maxlength="21000" aria-describedby="field-redirects-hint">${draft.redirects}</textarea><p class="hint" id="field-redirects-hint">${m.fieldRedirectsHint}</p></div>
<fieldset><legend>${m.fieldType}</legend>${typeChoice ? '' : html`<p class="hint">${m.typeFixed}</p>`}${type('public', m.typePublic)}${type('confidential', m.typeConfidential)}</fieldset>
<fieldset><legend>${m.fieldFlows}</legend><p class="hint">${m.fieldFlowsHint}</p>${flows}</fieldset>`;
}

function registrationForm(view: ApplicationsView): Html {
  const draft = view.draft ?? { name: '', redirects: '', type: 'public', flows: [] };
  return html`<section class="panel" aria-labelledby="new-registration">
<h2 id="new-registration">${m.newRegistration}</h2>
${alertBox(view.error)}
<form method="post" action="${directoryPath(view.directory.slug, '/applications')}">
${csrfField(view.csrf)}
${registrationFields(view.userFlows, draft, true)}
<div class="actions"><button type="submit">${m.register}</button></div>
</form>
</section>`;
}

export interface ApplicationEditView {
  readonly admin: SignedInAdmin;
  readonly csrf: string;
  readonly directory: Directory;
  readonly application: Application;
  readonly userFlows: readonly UserFlow[];
  readonly error?: string;
  readonly draft?: Draft;
}

export function applicationEditPage(view: ApplicationEditView): string {
  const { application } = view;
  // The type is fixed; what was registered is shown and sent, whatever a tampered form says.
  const draft = { ...(view.draft ?? { name: application.display_name, redirects: application.redirect_uris.join('\n'), flows: application.allowed_user_flows }), type: application.client_type };
  const title = m.editTitle.replace('{name}', application.display_name);
  const list = directoryPath(view.directory.slug, '/applications');
  return renderAdminPage(
    { ...frame(view), breadcrumbs: [...directoryCrumbs(view.directory, m.title).slice(0, -1), { label: m.title, href: list }, { label: application.display_name }] },
    html`<p class="eyebrow">${view.directory.display_name}</p>
<h1>${title}</h1>
${directoryNav(view.directory, 'applications')}
<section class="panel">
${alertBox(view.error)}
<dl class="facts"><dt>${m.columnClientId}</dt><dd><code>${application.client_id}</code></dd></dl>
<form method="post" action="${directoryPath(view.directory.slug, `/applications/${application.id}`)}">
${csrfField(view.csrf)}
<input type="hidden" name="client_type" value="${application.client_type}">
${registrationFields(view.userFlows, draft, false)}
<div class="actions"><button type="submit">${m.save}</button> <a class="button quiet" href="${list}">${m.cancel}</a></div>
</form>
</section>`,
  );
}

export function applicationsPage(view: ApplicationsView): string {
  return renderAdminPage(
    frame(view),
    html`<p class="eyebrow">${view.directory.display_name}</p>
<h1>${m.title}</h1>
${directoryNav(view.directory, 'applications')}
<p>${m.intro}</p>
${statusBox(view.notice)}
${view.applications.length ? html`<ul class="cards">${view.applications.map((a) => applicationRow(view, a))}</ul>` : html`<p>${m.empty}</p>`}
${registrationForm(view)}`,
  );
}
