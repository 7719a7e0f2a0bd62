import { html, type Html } from '../../../http/html.ts';
import { csrfField } from '../../../http/layout.ts';
import { LOCALES } from '../../../i18n/i18n.ts';
import type { RunMessage } from '../../../run-now/flow-run-store.ts';
import type { InspectedIdToken } from '../../../run-now/inspect-id-token.ts';
import type { Application, Directory, FlowRun, UserFlow } from '../../../storage/schema.ts';
import type { SignedInAdmin } from '../../admin-session-store.ts';
import { alertBox, renderAdminPage } from '../admin-layout.ts';
import { directoryCrumbs, directoryPath } from './directory-pages.ts';
import { flowPath, userFlowMessages } from './user-flow-pages.ts';

// "Run now": choose the application and reply URL, open the flow in a new tab, watch its mail arrive in
// the test inbox beside it, and finish on the token viewer when Latchkey's own test application is used.

export const runNowMessages = {
  title: 'Run now',
  intro: 'Runs the user flow the way a customer meets it. Mail the run sends arrives in the test inbox on the next page as well as in the customer’s mailbox.',
  fieldTarget: 'Application and reply URL',
  fieldTargetHint: 'Latchkey’s test application ends on the token viewer. Another application receives the authorization code at its reply URL.',
  builtInLabel: 'Latchkey test application (token viewer)',
  fieldLocale: 'Language (ui_locales)',
  localeNone: 'As the customer’s browser asks',
  start: 'Run user flow',
  noApplication: 'No application may start this user flow. Allow it in App registrations, or use Latchkey’s test application.',
  invalidTarget: 'Choose one of the applications and reply URLs offered.',
  runTitle: 'Run of {flow}',
  open: 'Open the user flow in a new tab',
  endpoint: 'Run user flow endpoint',
  application: 'Application',
  replyUrl: 'Reply URL',
  expires: 'Run open until',
  completed: 'Completed: tokens were issued',
  inProgress: 'In progress',
  inbox: 'Test inbox',
  inboxEmpty: 'No mail yet. Messages this run sends appear here within seconds.',
  inboxNote: 'Only administrators see this inbox; it holds codes, and it is deleted when the run ends.',
  refresh: 'Refresh',
  to: 'To',
  runAgain: 'Run again',
  backToRun: 'Back to the run and its test inbox',
  viewerTitle: 'Token viewer',
  viewerIntro: 'The ID token Latchkey issued to its test application at the end of the run, decoded.',
  header: 'Header',
  claims: 'Claims',
  checks: 'Checks',
  raw: 'Encoded token',
  flowError: 'The user flow ended with an error: {error}',
  exchangeFailed: 'The authorization code could not be exchanged: {error}',
  runGone: 'This run has ended or is unknown. Start a new one from the user flow.',
  checkNames: { signature: 'Signature', issuer: 'Issuer', audience: 'Audience', nonce: 'Nonce', expiry: 'Expiry' } as Record<string, string>,
} as const;

const m = runNowMessages;

interface Frame {
  readonly admin: SignedInAdmin;
  readonly csrf: string;
  readonly directory: Directory;
}

function frame(view: Frame, flow: UserFlow, label: string) {
  const crumbs = directoryCrumbs(view.directory, userFlowMessages.title);
  crumbs[crumbs.length - 1] = { label: userFlowMessages.title, href: directoryPath(view.directory.slug, '/user-flows') };
  return { title: `${flow.name} · ${label}`, admin: view.admin, csrf: view.csrf, breadcrumbs: [...crumbs, { label: flow.name, href: flowPath(view.directory, flow) }, { label }] };
}

export interface RunFormView extends Frame {
  readonly flow: UserFlow;
  readonly applications: readonly Application[];
  readonly error?: string;
}

export const targetValue = (application: Application, uri: string): string => `${application.id} ${uri}`;

export function runFormPage(view: RunFormView): string {
  const groups = view.applications.map(
    (application) => html`<optgroup label="${application.built_in ? m.builtInLabel : application.display_name}">
${application.redirect_uris.map((uri) => html`<option value="${targetValue(application, uri)}">${application.built_in ? m.builtInLabel : `${application.display_name} → ${uri}`}</option>`)}
</optgroup>`,
  );
  const locales = LOCALES.map((locale) => html`<option value="${locale}">${userFlowMessages.locales[locale] ?? locale}</option>`);
  return renderAdminPage(
    frame(view, view.flow, m.title),
    html`<p class="eyebrow">${view.directory.display_name} · ${userFlowMessages.types[view.flow.type]}</p>
<h1>${m.title}: ${view.flow.name}</h1>
<p>${m.intro}</p>
${alertBox(view.error)}
<section class="panel">
<form method="post" action="${flowPath(view.directory, view.flow, '/run')}">
${csrfField(view.csrf)}
<div class="field"><label for="field-target">${m.fieldTarget}</label>
<select id="field-target" name="target" aria-describedby="field-target-hint">${groups}</select>
<p class="hint" id="field-target-hint">${m.fieldTargetHint}</p></div>
<div class="field"><label for="field-ui-locales">${m.fieldLocale}</label>
<select id="field-ui-locales" name="ui_locales"><option value="">${m.localeNone}</option>${locales}</select></div>
<div class="actions"><button type="submit">${m.start}</button></div>
</form>
</section>`,
  );
}

export interface RunView extends Frame {
  readonly flow: UserFlow;
  readonly run: FlowRun;
  readonly application: Application;
  readonly authorizeUrl: string;
  readonly messages: readonly RunMessage[];
}

export function testInbox(view: Pick<RunView, 'directory' | 'run' | 'messages'>): Html {
  const items = view.messages.map(
    (message) => html`<li>
<strong>${message.subject}</strong>
<p class="meta">${m.to}: ${message.to} · ${message.createdAt.toISOString()}</p>
<pre>${message.text}</pre>
</li>`,
  );
  const runPath = directoryPath(view.directory.slug, `/runs/${view.run.id}`);
  return html`<section class="panel" id="test-inbox" aria-labelledby="test-inbox-title" aria-live="polite" data-refresh-url="${runPath}/inbox">
<h2 id="test-inbox-title">${m.inbox} <span class="badge muted">${view.messages.length}</span></h2>
<p class="hint">${m.inboxNote}</p>
${view.messages.length ? html`<ul class="inbox">${items}</ul>` : html`<p>${m.inboxEmpty}</p>`}
<p><a class="button quiet" href="${runPath}">${m.refresh}</a></p>
</section>`;
}

export function runPage(view: RunView): string {
  const label = m.runTitle.replace('{flow}', view.flow.name);
  return renderAdminPage(
    frame(view, view.flow, label),
    html`<p class="eyebrow">${view.directory.display_name} · ${userFlowMessages.types[view.flow.type]}</p>
<h1>${label}</h1>
<div class="run-grid">
<section class="panel" aria-labelledby="run-details">
<h2 id="run-details">${view.run.completed_at ? html`<span class="badge">${m.completed}</span>` : html`<span class="badge muted">${m.inProgress}</span>`}</h2>
<dl class="facts">
<dt>${m.application}</dt><dd>${view.application.built_in ? m.builtInLabel : view.application.display_name}</dd>
<dt>${m.replyUrl}</dt><dd><code>${view.run.redirect_uri}</code></dd>
<dt>${m.expires}</dt><dd>${view.run.expires_at.toISOString()}</dd>
</dl>
<p><a class="button" id="open-run" href="${view.authorizeUrl}" target="_blank" rel="noopener noreferrer">${m.open}</a></p>
<div class="field"><label for="run-endpoint">${m.endpoint}</label><input type="text" id="run-endpoint" readonly value="${view.authorizeUrl}"></div>
<p><a href="${flowPath(view.directory, view.flow, '/run')}">${m.runAgain}</a></p>
</section>
${testInbox(view)}
</div>`,
  );
}

export interface TokenViewerView extends Frame {
  readonly flow: UserFlow;
  readonly run: FlowRun;
  readonly token?: { encoded: string; inspected: InspectedIdToken };
  readonly error?: string;
}

function valueOf(claim: string, value: unknown): Html {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  const time = (claim === 'exp' || claim === 'iat' || claim === 'auth_time' || claim === 'nbf') && typeof value === 'number' ? ` (${new Date(value * 1000).toISOString()})` : '';
  return html`<code>${shown}</code>${time}`;
}

function table(caption: string, entries: Record<string, unknown>): Html {
  const rows = Object.entries(entries).map(([name, value]) => html`<tr><th scope="row"><code>${name}</code></th><td>${valueOf(name, value)}</td></tr>`);
  return html`<div class="table-wrap"><table><caption class="visually-hidden">${caption}</caption><tbody>${rows}</tbody></table></div>`;
}

export function tokenViewerPage(view: TokenViewerView): string {
  const runPath = directoryPath(view.directory.slug, `/runs/${view.run.id}`);
  const token = view.token;
  const checks = token?.inspected.checks.map(
    (check) => html`<tr><th scope="row">${m.checkNames[check.name] ?? check.name}</th><td>${check.ok ? html`<span class="badge">✓ passed</span>` : html`<span class="badge muted">✗ failed</span>`} ${check.detail}</td></tr>`,
  );
  return renderAdminPage(
    frame(view, view.flow, m.viewerTitle),
    html`<p class="eyebrow">${view.directory.display_name} · ${view.flow.name}</p>
<h1>${m.viewerTitle}</h1>
${alertBox(view.error)}
${token
  ? html`<p>${m.viewerIntro}</p>
<h2>${m.checks}</h2>
<div class="table-wrap"><table id="token-checks"><tbody>${checks}</tbody></table></div>
<h2>${m.header}</h2>
<div id="token-header">${table(m.header, token.inspected.header)}</div>
<h2>${m.claims}</h2>
<div id="token-claims">${table(m.claims, token.inspected.claims)}</div>
<h2>${m.raw}</h2>
<pre class="token">${token.encoded}</pre>`
  : ''}
<p><a href="${runPath}">${m.backToRun}</a> · <a href="${flowPath(view.directory, view.flow, '/run')}">${m.runAgain}</a></p>`,
  );
}
