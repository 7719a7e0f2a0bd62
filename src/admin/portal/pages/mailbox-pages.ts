import { html, type Html } from '../../../http/html.ts';
import { MAILBOX_CAP, type MailboxMessage } from '../../../mailbox/mailbox-store.ts';
import type { SignedInAdmin } from '../../admin-session-store.ts';
import { renderAdminPage } from '../admin-layout.ts';

// "Mailbox": what Latchkey would have sent while no SMTP server is configured. The HTML body is shown in
// a sandboxed iframe (no scripts, no same origin, no forms, no navigation) through srcdoc, so a message
// can neither run code nor reach the portal; the text body is shown as escaped text beside it.

export const mailboxMessages = {
  title: 'Mailbox',
  intro: 'No SMTP server is configured (SMTP_URL is not set), so Latchkey sends no mail. Each message it would have sent is kept here instead, newest first, so that a trial install can be used end to end.',
  warning: `These messages contain sign-up and password reset codes. Only administrators can see this page. The newest ${MAILBOX_CAP} messages are kept. Configure SMTP_URL before real customers use this installation.`,
  off: 'The mailbox is off: an SMTP server is configured (SMTP_URL), so mail is delivered and no copy is kept here.',
  empty: 'No mail yet.',
  columnTime: 'Time',
  columnTo: 'To',
  columnSubject: 'Subject',
  columnDirectory: 'Directory',
  older: 'Older messages',
  newest: 'Newest',
  textBody: 'Text',
  htmlBody: 'HTML (rendered in a sandbox)',
  back: 'Back to the mailbox',
  notFound: 'There is no such message in the mailbox.',
} as const;
const m = mailboxMessages;

const time = (date: Date): string => date.toISOString().replace('T', ' ').slice(0, 19);

export function mailboxPage(view: { admin: SignedInAdmin; csrf: string; enabled: boolean; messages: readonly MailboxMessage[]; olderBefore?: string; paged: boolean }): string {
  let body: Html;
  if (!view.enabled) {
    body = html`<h1>${m.title}</h1><section class="panel"><p role="status">${m.off}</p></section>`;
  } else {
    const rows = view.messages.map(
      (msg) => html`<tr><td>${time(msg.createdAt)}</td><td class="wrap">${msg.to}</td><td class="wrap"><a href="/admin/mailbox/${msg.id}">${msg.subject}</a></td><td>${msg.directorySlug ?? ''}</td></tr>`,
    );
    body = html`<h1>${m.title}</h1>
<p>${m.intro}</p>
<div class="alert error" role="note">${m.warning}</div>
${view.messages.length
  ? html`<div class="table-wrap"><table class="data mail-list"><thead><tr><th scope="col">${m.columnTime}</th><th scope="col">${m.columnTo}</th><th scope="col">${m.columnSubject}</th><th scope="col">${m.columnDirectory}</th></tr></thead><tbody>${rows}</tbody></table></div>`
  : html`<p>${m.empty}</p>`}
<nav class="pager" aria-label="Pages">
${view.paged ? html`<a href="/admin/mailbox">${m.newest}</a>` : ''}
${view.olderBefore ? html`<a href="/admin/mailbox?before=${view.olderBefore}" rel="next">${m.older}</a>` : ''}
</nav>`;
  }
  return renderAdminPage({ title: m.title, admin: view.admin, csrf: view.csrf, breadcrumbs: [{ label: m.title }] }, body);
}

export function mailboxMessagePage(view: { admin: SignedInAdmin; csrf: string; message: MailboxMessage }): string {
  const msg = view.message;
  return renderAdminPage(
    { title: `${msg.subject} · ${m.title}`, admin: view.admin, csrf: view.csrf, breadcrumbs: [{ label: m.title, href: '/admin/mailbox' }, { label: msg.subject }] },
    html`<h1>${msg.subject}</h1>
<div class="alert error" role="note">${m.warning}</div>
<section class="panel">
<dl class="facts">
<dt>${m.columnTo}</dt><dd>${msg.to}</dd>
<dt>${m.columnTime}</dt><dd>${time(msg.createdAt)} UTC</dd>
<dt>${m.columnDirectory}</dt><dd>${msg.directorySlug ?? ''}</dd>
</dl>
<h2>${m.textBody}</h2>
<pre class="mail-text">${msg.text}</pre>
<h2>${m.htmlBody}</h2>
<iframe class="mail" title="${m.htmlBody}" sandbox="" referrerpolicy="no-referrer" srcdoc="${msg.html}"></iframe>
<p><a href="/admin/mailbox">${m.back}</a></p>
</section>`,
  );
}
