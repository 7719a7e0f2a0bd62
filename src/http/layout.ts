import { html, type Html } from './html.ts';
import { LOCALES, translator, type Translate } from '../i18n/i18n.ts';
import type { Locale } from '../storage/schema.ts';
import type { PageBrand } from './page-brand.ts';

// The frame every customer page shares: the directory's branding (logo, colours, layout, favicon), the
// page, a language switcher and a footer with the support contact, and nothing from another origin
// (R15): every image and stylesheet is served by Latchkey itself.

export interface PageFrame {
  readonly locale: Locale;
  readonly title: string;
  readonly brand: PageBrand;
  /** The current path without query, so the language links keep the customer on the same page. */
  readonly path?: string;
  /** The page's words with the directory's overrides; the plain catalogs when absent. */
  readonly t?: Translate;
  /** The languages the switcher offers; all when absent. */
  readonly offered?: readonly Locale[];
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const WEB = /^https?:\/\/[^\s<>"]+$/;

/** An address becomes a mailto link and a web address a link; anything else (a phone number) is text. */
function supportContact(contact: string): Html {
  if (EMAIL.test(contact)) return html`<a href="mailto:${contact}">${contact}</a>`;
  if (WEB.test(contact)) return html`<a href="${contact}" rel="noopener noreferrer">${contact}</a>`;
  return html`${contact}`;
}

function brandHeader(brand: PageBrand): Html {
  return brand.logoSrc
    ? html`<header class="brand"><img class="logo" src="${brand.logoSrc}" alt="${brand.name}"></header>`
    : html`<header class="brand">${brand.name}</header>`;
}

export function renderPage(frame: PageFrame, body: Html): string {
  const t = frame.t ?? translator(frame.locale);
  const { brand } = frame;
  const languages = (frame.offered ?? LOCALES).map((locale) =>
    locale === frame.locale
      ? html`<span aria-current="true">${translator(locale)('language_name')}</span>`
      : html`<a href="${frame.path ?? ''}?ui_locales=${locale}" lang="${locale}" hreflang="${locale}">${translator(locale)('language_name')}</a>`,
  );
  return html`<!doctype html>
<html lang="${frame.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${frame.title} · ${brand.name}</title>
<link rel="stylesheet" href="/static/latchkey.css">
${brand.themeHref ? html`<link rel="stylesheet" href="${brand.themeHref}">` : ''}
${brand.faviconSrc ? html`<link rel="icon" href="${brand.faviconSrc}">` : ''}
<script src="/static/latchkey.js" defer></script>
</head>
<body class="layout-${brand.layout}">
<div class="backdrop" aria-hidden="true"></div>
<div class="column">
<main class="card">
${brandHeader(brand)}
${body}
</main>
<footer class="footer">
${brand.supportContact ? html`<p class="support">${t('support_label')} ${supportContact(brand.supportContact)}</p>` : ''}
<nav aria-label="${t('nav_language')}" class="languages">${languages}</nav>
<p>${t('page_footer')}</p>
</footer>
</div>
</body>
</html>`.toString();
}

/** A password input with the attributes password managers need (P6) and a show/hide toggle. */
export function passwordField(t: Translate, options: { name: string; label: string; autocomplete: 'current-password' | 'new-password'; id?: string; describedBy?: string }): Html {
  const id = options.id ?? options.name;
  return html`<label for="${id}">${options.label}</label>
<div class="password">
<input type="password" id="${id}" name="${options.name}" autocomplete="${options.autocomplete}" required maxlength="1024"${options.describedBy ? html` aria-describedby="${options.describedBy}"` : ''}>
<button type="button" class="toggle" data-toggle-password="${id}" data-show="${t('show_password')}" data-hide="${t('hide_password')}" aria-controls="${id}" aria-pressed="false">${t('show_password')}</button>
</div>`;
}

/** The hidden CSRF field every state-changing form carries (SE6). */
export function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

export function errorBox(message: string | undefined): Html {
  return message ? html`<div class="error" role="alert" id="form-error">${message}</div>` : html``;
}

export function noticeBox(message: string | undefined): Html {
  return message ? html`<div class="notice" role="status">${message}</div>` : html``;
}
