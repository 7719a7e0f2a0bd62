import { html } from '../../../http/html.ts';
import { csrfField } from '../../../http/layout.ts';
import { LOCALES } from '../../../i18n/i18n.ts';
import type { EmailTemplate } from '../../../email/outbox.ts';
import type { EmailContent } from '../../../email/templates/render-email.ts';
import { EMAIL_TEMPLATES, templateLabels, templateVariables, variableDescriptions } from '../../../email/templates/template-variables.ts';
import type { Directory, Locale, StoredEmailTemplate } from '../../../storage/schema.ts';
import type { SignedInAdmin } from '../../admin-session-store.ts';
import { alertBox, renderAdminPage, statusBox } from '../admin-layout.ts';
import { directoryCrumbs, directoryNav, directoryPath } from './directory-pages.ts';
import { languageNames } from './languages-pages.ts';

// "Email templates": the sender of a directory's mail, and its own subject, HTML and text for each kind
// of message and language, with the variables beside the editor, a preview and a test send.

export const templateMessages = {
  title: 'Email templates',
  senderTitle: 'Sender',
  fromName: 'From name',
  fromNameHint: 'Shown as the sender’s name. Empty: “{name}”. The address is always {address}.',
  replyTo: 'Reply-To address',
  replyToHint: 'Where customers’ replies go. Empty: no Reply-To.',
  save: 'Save',
  senderSaved: 'Sender saved.',
  invalidSender: 'Enter a From name of 1 to 100 characters without < > " or line breaks, and a valid Reply-To address, or leave them empty. Nothing was changed.',
  templatesTitle: 'Messages',
  columnMessage: 'Message',
  custom: 'Custom',
  builtIn: 'Built in',
  edit: 'Edit',
  subject: 'Subject',
  htmlBody: 'HTML',
  textBody: 'Plain text',
  preview: 'Preview',
  variables: 'Variables',
  variablesIntro: 'Write a variable as {{name}}. Values are escaped in the HTML. Any other {{name}} is refused.',
  previewTitle: 'Preview with sample data',
  previewFrame: 'HTML preview',
  saved: 'Template saved. Mail of this kind and language uses it from now on.',
  removed: 'Back to the built-in template.',
  resetToDefault: 'Reset to default',
  testTitle: 'Send a test email',
  testHint: 'Sends the saved template (or the built-in one) with sample data, through the outbox and the mail server.',
  testTo: 'Send to',
  sendTest: 'Send test email',
  testQueued: 'Test email queued. It goes out through the outbox within seconds.',
  invalidTestAddress: 'Enter a valid email address to send the test to. Nothing was sent.',
  invalidTemplate: 'Enter a subject (one line, up to 500 characters), HTML and text (each up to 100,000 characters). Nothing was changed.',
  unknownVariables: 'This message has no variable {names}. Use only the variables listed. Nothing was changed.',
} as const;

const m = templateMessages;

export const emailPath = (directory: Directory, rest = '') => directoryPath(directory.slug, `/email${rest}`);
export const templatePath = (directory: Directory, template: EmailTemplate, locale: Locale) => emailPath(directory, `/${template}/${locale}`);

interface Frame {
  readonly admin: SignedInAdmin;
  readonly csrf: string;
  readonly directory: Directory;
}

export interface EmailOverviewView extends Frame {
  readonly defaultFrom: { name: string; address: string };
  readonly templates: readonly StoredEmailTemplate[];
  readonly draft?: { fromName: string; replyTo: string };
  readonly notice?: string;
  readonly error?: string;
}

export function emailOverviewPage(view: EmailOverviewView): string {
  const { directory } = view;
  const fromName = view.draft?.fromName ?? directory.mail_from_name ?? '';
  const replyTo = view.draft?.replyTo ?? directory.mail_reply_to ?? '';
  const rows = EMAIL_TEMPLATES.map(
    (template) => html`<tr><th scope="row">${templateLabels[template]}</th>
${LOCALES.map((locale) => {
  const custom = view.templates.some((t) => t.template === template && t.locale === locale);
  return html`<td><a href="${templatePath(directory, template, locale)}" aria-label="${m.edit} ${templateLabels[template]}, ${languageNames[locale]}">${custom ? html`<strong>${m.custom}</strong>` : m.builtIn}</a></td>`;
})}</tr>`,
  );
  return renderAdminPage(
    { title: `${directory.display_name} · ${m.title}`, admin: view.admin, csrf: view.csrf, breadcrumbs: directoryCrumbs(directory, m.title) },
    html`<p class="eyebrow">${directory.display_name}</p>
<h1>${m.title}</h1>
${directoryNav(directory, 'email')}
${statusBox(view.notice)}
${alertBox(view.error)}
<section class="panel" aria-labelledby="sender-heading"><h2 id="sender-heading">${m.senderTitle}</h2>
<form method="post" action="${emailPath(directory, '/sender')}">
${csrfField(view.csrf)}
<div class="field"><label for="from-name">${m.fromName}</label>
<input type="text" id="from-name" name="from_name" maxlength="200" value="${fromName}" aria-describedby="from-name-hint">
<p class="hint" id="from-name-hint">${m.fromNameHint.replace('{name}', view.defaultFrom.name).replace('{address}', view.defaultFrom.address)}</p></div>
<div class="field"><label for="reply-to">${m.replyTo}</label>
<input type="email" id="reply-to" name="reply_to" maxlength="254" value="${replyTo}" aria-describedby="reply-to-hint">
<p class="hint" id="reply-to-hint">${m.replyToHint}</p></div>
<div class="actions"><button type="submit">${m.save}</button></div>
</form></section>
<section class="panel" aria-labelledby="templates-heading"><h2 id="templates-heading">${m.templatesTitle}</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">${m.columnMessage}</th>${LOCALES.map((l) => html`<th scope="col">${languageNames[l]}</th>`)}</tr></thead>
<tbody>${rows}</tbody></table></div></section>`,
  );
}

export interface TemplateEditView extends Frame {
  readonly template: EmailTemplate;
  readonly locale: Locale;
  readonly content: { subject: string; html: string; text: string };
  readonly custom: boolean;
  readonly preview?: EmailContent;
  readonly notice?: string;
  readonly error?: string;
}

export function templateEditPage(view: TemplateEditView): string {
  const { directory, template, locale } = view;
  const path = templatePath(directory, template, locale);
  const heading = `${templateLabels[template]} · ${languageNames[locale]}`;
  const variables = templateVariables[template].map((name) => html`<dt><code>{{${name}}}</code></dt><dd>${variableDescriptions[name]}</dd>`);
  const preview = view.preview
    ? html`<section class="panel" aria-labelledby="preview-heading"><h2 id="preview-heading">${m.previewTitle}</h2>
<p><strong>${m.subject}:</strong> <span id="preview-subject">${view.preview.subject}</span></p>
<iframe class="mail-preview" title="${m.previewFrame}" sandbox srcdoc="${view.preview.html}"></iframe>
<h3>${m.textBody}</h3><pre class="mail-text" id="preview-text">${view.preview.text}</pre></section>`
    : '';
  return renderAdminPage(
    { title: `${directory.display_name} · ${heading}`, admin: view.admin, csrf: view.csrf, breadcrumbs: [...directoryCrumbs(directory, m.title).slice(0, -1), { label: m.title, href: emailPath(directory) }, { label: heading }] },
    html`<p class="eyebrow">${directory.display_name} · ${m.title}</p>
<h1>${heading}</h1>
${directoryNav(directory, 'email')}
${statusBox(view.notice)}
${alertBox(view.error)}
<div class="editor">
<section class="panel" aria-label="${m.edit}">
<form method="post" action="${path}">
${csrfField(view.csrf)}
<div class="field"><label for="tpl-subject">${m.subject}</label><input type="text" id="tpl-subject" name="subject" maxlength="500" required value="${view.content.subject}"></div>
<div class="field"><label for="tpl-html">${m.htmlBody}</label><textarea id="tpl-html" name="html" rows="14" required spellcheck="false">${view.content.html}</textarea></div>
<div class="field"><label for="tpl-text">${m.textBody}</label><textarea id="tpl-text" name="text" rows="10" required>${view.content.text}</textarea></div>
<div class="actions"><button type="submit" class="quiet" formaction="${path}/preview">${m.preview}</button> <button type="submit">${m.save}</button></div>
</form>
${view.custom ? html`<form method="post" action="${path}/reset">${csrfField(view.csrf)}<button type="submit" class="quiet">${m.resetToDefault}</button></form>` : ''}
</section>
<aside class="panel" aria-labelledby="variables-heading"><h2 id="variables-heading">${m.variables}</h2><p>${m.variablesIntro}</p><dl class="variables">${variables}</dl></aside>
</div>
${preview}
<section class="panel" aria-labelledby="test-heading"><h2 id="test-heading">${m.testTitle}</h2><p class="hint" id="test-hint">${m.testHint}</p>
<form method="post" action="${path}/test">
${csrfField(view.csrf)}
<div class="field"><label for="test-to">${m.testTo}</label><input type="email" id="test-to" name="to" required maxlength="254" autocomplete="email" aria-describedby="test-hint"></div>
<div class="actions"><button type="submit">${m.sendTest}</button></div>
</form></section>`,
  );
}
