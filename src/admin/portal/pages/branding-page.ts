import { html, type Html } from '../../../http/html.ts';
import { csrfField } from '../../../http/layout.ts';
import { brandingImagePath } from '../../../http/page-brand.ts';
import {
  DEFAULT_BACKGROUND_COLOR, DEFAULT_PRIMARY_COLOR, IMAGE_RULES, SIGN_IN_TEXT_MAX, SUPPORT_CONTACT_MAX, imageColumn, type BrandImageKind,
} from '../../../directories/branding.ts';
import type { Directory } from '../../../storage/schema.ts';
import type { SignedInAdmin } from '../../admin-session-store.ts';
import { alertBox, renderAdminPage, statusBox } from '../admin-layout.ts';
import { brandingMessages as m, imageRuleText } from './branding-messages.ts';
import { directoryCrumbs, directoryNav, directoryPath } from './directory-pages.ts';

// "Company branding": one form (multipart, for the images) beside a preview of the customer sign-in
// page. The preview is an iframe of the preview route: "Preview" posts the unsaved form into it, which
// works without JavaScript; with it, public/latchkey.js updates colours and text as they are typed.

/** The text fields as the administrator last typed them, shown again after a refusal. */
export interface BrandingFields {
  readonly layout: string;
  readonly primary_color: string;
  readonly background_color: string;
  readonly sign_in_text: string;
  readonly support_contact: string;
}

export interface BrandingView {
  readonly admin: SignedInAdmin;
  readonly csrf: string;
  readonly directory: Directory;
  readonly notice?: string;
  readonly problems?: readonly string[];
  readonly fields?: BrandingFields;
}

export const PREVIEW_FRAME = 'branding-preview';

export function savedFields(directory: Directory): BrandingFields {
  return {
    layout: directory.brand_layout,
    primary_color: directory.brand_primary_color ?? DEFAULT_PRIMARY_COLOR,
    background_color: directory.brand_background_color ?? DEFAULT_BACKGROUND_COLOR,
    sign_in_text: directory.brand_sign_in_text ?? '',
    support_contact: directory.support_contact ?? '',
  };
}

const ACCEPT: Readonly<Record<BrandImageKind, string>> = {
  logo: 'image/png,image/jpeg,image/webp,image/gif',
  background: 'image/png,image/jpeg,image/webp,image/gif',
  favicon: 'image/x-icon,image/vnd.microsoft.icon,image/png',
};

function imageField(directory: Directory, kind: BrandImageKind): Html {
  const current = directory[imageColumn(kind)];
  const id = `field-${kind}`;
  const currentImage = current
    ? html`<div class="current-image"><img src="${brandingImagePath(directory.slug, current)}" alt="${m.currentImage[kind]}">
<div class="choice"><input type="checkbox" id="remove-${kind}" name="remove_${kind}" value="on"><label for="remove-${kind}">${m.remove[kind]}</label></div></div>`
    : html`<p class="hint">${m.noImage}</p>`;
  return html`<div class="field">
<label for="${id}">${m.image[kind]}</label>
<input type="file" id="${id}" name="${kind}" accept="${ACCEPT[kind]}" aria-describedby="${id}-hint">
<p class="hint" id="${id}-hint">${imageRuleText(IMAGE_RULES[kind])}</p>
${currentImage}
</div>`;
}

function colourField(name: 'primary_color' | 'background_color', label: string, hint: string, value: string, previewVar: string): Html {
  const id = `field-${name}`;
  return html`<div class="field colour">
<label for="${id}">${label}</label>
<input type="color" id="${id}" name="${name}" value="${value}" aria-describedby="${id}-hint" data-preview-var="${previewVar}">
<p class="hint" id="${id}-hint">${hint}</p>
</div>`;
}

function layoutChoice(fields: BrandingFields, value: 'classic' | 'split', label: string, hint: string): Html {
  return html`<div class="choice">
<input type="radio" id="layout-${value}" name="layout" value="${value}" aria-describedby="layout-${value}-hint"${fields.layout === value ? html` checked` : ''}>
<label for="layout-${value}">${label}</label>
<p class="hint" id="layout-${value}-hint">${hint}</p>
</div>`;
}

function brandingForm(view: BrandingView, fields: BrandingFields): Html {
  const base = directoryPath(view.directory.slug, '/branding');
  return html`<form method="post" action="${base}" enctype="multipart/form-data" data-branding-form>
${csrfField(view.csrf)}
<fieldset><legend>${m.imagesLegend}</legend>
${imageField(view.directory, 'logo')}
${imageField(view.directory, 'background')}
${imageField(view.directory, 'favicon')}
</fieldset>
<fieldset><legend>${m.coloursLegend}</legend>
${colourField('primary_color', m.primaryColour, m.primaryColourHint, fields.primary_color, '--primary')}
${colourField('background_color', m.backgroundColour, m.backgroundColourHint, fields.background_color, '--bg')}
</fieldset>
<fieldset><legend>${m.layoutLegend}</legend>
${layoutChoice(fields, 'classic', m.layoutClassic, m.layoutClassicHint)}
${layoutChoice(fields, 'split', m.layoutSplit, m.layoutSplitHint)}
</fieldset>
<div class="field">
<label for="field-sign-in-text">${m.signInText}</label>
<textarea id="field-sign-in-text" name="sign_in_text" rows="3" maxlength="${SIGN_IN_TEXT_MAX}" aria-describedby="field-sign-in-text-hint" data-preview-text>${fields.sign_in_text}</textarea>
<p class="hint" id="field-sign-in-text-hint">${m.signInTextHint}</p>
</div>
<div class="field">
<label for="field-support-contact">${m.supportContact}</label>
<input type="text" id="field-support-contact" name="support_contact" maxlength="${SUPPORT_CONTACT_MAX}" value="${fields.support_contact}" aria-describedby="field-support-contact-hint">
<p class="hint" id="field-support-contact-hint">${m.supportContactHint}</p>
</div>
<div class="actions">
<button type="submit">${m.save}</button>
<button type="submit" class="quiet" formaction="${base}/preview" formtarget="${PREVIEW_FRAME}" data-preview-submit>${m.preview}</button>
</div>
</form>
<form method="post" action="${base}/reset" class="reset" data-confirm="${m.resetConfirm}">
${csrfField(view.csrf)}
<p class="hint">${m.resetHint}</p>
<button type="submit" class="danger">${m.reset}</button>
</form>`;
}

export function brandingPage(view: BrandingView): string {
  const { directory } = view;
  const fields = view.fields ?? savedFields(directory);
  const problems = view.problems?.length
    ? html`<div class="alert error" role="alert"><p>${m.nothingChanged}</p><ul>${view.problems.map((p) => html`<li>${p}</li>`)}</ul></div>`
    : alertBox(undefined);
  return renderAdminPage(
    { title: `${directory.display_name} · ${m.title}`, admin: view.admin, csrf: view.csrf, breadcrumbs: directoryCrumbs(directory, m.title) },
    html`<p class="eyebrow">${directory.display_name}</p>
<h1>${m.title}</h1>
${directoryNav(directory, 'branding')}
<div class="branding">
<section class="panel" aria-label="${m.title}">
${statusBox(view.notice)}
${problems}
${brandingForm(view, fields)}
</section>
<section class="panel preview" aria-labelledby="preview-heading">
<h2 id="preview-heading">${m.previewTitle}</h2>
<p class="hint">${m.previewHint}</p>
<iframe name="${PREVIEW_FRAME}" src="${directoryPath(directory.slug, '/branding/preview')}" title="${m.previewFrameTitle}" sandbox="allow-same-origin" data-branding-preview></iframe>
</section>
</div>`,
  );
}
