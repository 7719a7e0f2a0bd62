import { html, type Html } from '../../http/html.ts';
import { csrfField } from '../../http/layout.ts';
import type { SignedInAdmin } from '../admin-session-store.ts';
import { adminMessages as m, adminText } from './admin-messages.ts';

// The portal's own frame: a top bar with who is signed in and a sign-out button, then the page. It
// shares nothing visual with the customer pages, so nobody mistakes one for the other.

export interface AdminFrame {
  readonly title: string;
  /** Present on signed-in pages: shows the account and the sign-out form. */
  readonly admin?: SignedInAdmin;
  readonly csrf: string;
  readonly breadcrumbs?: readonly { readonly label: string; readonly href?: string }[];
}

/** What every signed-in page view carries: who, the CSRF token, and a notice or an error to show. */
export interface SignedInView {
  readonly admin: SignedInAdmin;
  readonly csrf: string;
  readonly notice?: string;
  readonly error?: string;
}

function topBar(frame: AdminFrame): Html {
  const account = frame.admin
    ? html`<div class="account">
<span class="who">${adminText('signedInAs', { email: frame.admin.email })}</span>
<form method="post" action="/admin/signout">${csrfField(frame.csrf)}<button type="submit" class="quiet">${m.signOut}</button></form>
</div>`
    : html``;
  return html`<header class="topbar"><a class="product" href="/admin">${m.product}</a>${frame.admin ? portalNav(frame.admin) : ''}${account}</header>`;
}

/** The installation-wide pages; Administrators only for those who may manage them. */
function portalNav(admin: SignedInAdmin): Html {
  const links = [
    { href: '/admin', label: m.navDirectories },
    { href: '/admin/audit', label: m.navAudit },
    { href: '/admin/mailbox', label: m.navMailbox },
    ...(admin.allDirectories ? [{ href: '/admin/administrators', label: m.navAdministrators }] : []),
  ];
  return html`<nav class="portal-nav" aria-label="${m.navMain}"><ul>${links.map((l) => html`<li><a href="${l.href}">${l.label}</a></li>`)}</ul></nav>`;
}

function breadcrumbs(frame: AdminFrame): Html {
  if (!frame.breadcrumbs?.length) return html``;
  const items = frame.breadcrumbs.map((crumb) =>
    crumb.href ? html`<li><a href="${crumb.href}">${crumb.label}</a></li>` : html`<li aria-current="page">${crumb.label}</li>`,
  );
  return html`<nav aria-label="${m.breadcrumbLabel}" class="breadcrumbs"><ol>${items}</ol></nav>`;
}

export function renderAdminPage(frame: AdminFrame, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${frame.title} · ${m.product}</title>
<link rel="stylesheet" href="/static/admin.css">
<script src="/static/latchkey.js" defer></script>
</head>
<body>
<a class="skip" href="#content">${m.skipToContent}</a>
${topBar(frame)}
<main id="content" tabindex="-1">
${breadcrumbs(frame)}
${body}
</main>
<footer class="footer">${m.footer}</footer>
</body>
</html>`.toString();
}

/** A labelled password input with the show/hide toggle public/latchkey.js drives (P6). */
export function adminPasswordField(options: { name: string; label: string; autocomplete: 'current-password' | 'new-password'; hint?: string }): Html {
  const id = `field-${options.name}`;
  const hintId = `${id}-hint`;
  return html`<div class="field">
<label for="${id}">${options.label}</label>
<div class="password">
<input type="password" id="${id}" name="${options.name}" autocomplete="${options.autocomplete}" required maxlength="1024"${options.hint ? html` aria-describedby="${hintId}"` : ''}>
<button type="button" class="quiet toggle" data-toggle-password="${id}" data-show="${m.showPassword}" data-hide="${m.hidePassword}" aria-controls="${id}" aria-pressed="false">${m.showPassword}</button>
</div>
${options.hint ? html`<p class="hint" id="${hintId}">${options.hint}</p>` : ''}
</div>`;
}

export function adminEmailField(value: string | undefined, autofocus = true): Html {
  return html`<div class="field">
<label for="field-email">${m.fieldEmail}</label>
<input type="email" id="field-email" name="email" autocomplete="username" required maxlength="254" value="${value ?? ''}"${autofocus ? html` autofocus` : ''}>
</div>`;
}

export function alertBox(message: string | undefined): Html {
  return message ? html`<div class="alert error" role="alert">${message}</div>` : html``;
}

export function statusBox(message: string | undefined): Html {
  return message ? html`<div class="alert ok" role="status">${message}</div>` : html``;
}
