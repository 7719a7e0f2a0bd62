import type { MultipartFile } from '@fastify/multipart';
import { z } from 'zod';
import {
  BRAND_IMAGE_KINDS, DEFAULT_BACKGROUND_COLOR, DEFAULT_PRIMARY_COLOR, IMAGE_RULES, SIGN_IN_TEXT_MAX, SUPPORT_CONTACT_MAX,
  checkImage, parseColour, parseText, type BrandImageKind, type BrandingDraft, type ImageChange,
} from '../../directories/branding.ts';
import type { BrandingFields } from './pages/branding-page.ts';
import { brandingMessages as m, imageProblemText } from './pages/branding-messages.ts';

// The branding form, from multipart body to a draft or the list of what is wrong with it. Files arrive
// as `Upload`s (see readUpload); a file over the parser's limit arrives truncated and is refused here.

export interface Upload {
  readonly bytes: Buffer;
  /** The parser stopped reading at its limit: the file is too big, whatever its kind. */
  readonly truncated: boolean;
}

/** @fastify/multipart's onFile: the file is read here, up to the parser's limit, so no stream is left open. */
export async function readUpload(part: MultipartFile): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of part.file) chunks.push(chunk as Buffer);
  const upload: Upload = { bytes: Buffer.concat(chunks), truncated: part.file.truncated };
  (part as unknown as { value: Upload }).value = upload;
}

const upload = z.object({ bytes: z.instanceof(Buffer), truncated: z.boolean() }).optional();
const text = z.string().max(4096);
// A repeated field arrives as an array and fails here, as everywhere in the portal.
const brandingSchema = z.object({
  _csrf: z.string(),
  layout: z.enum(['classic', 'split']),
  primary_color: text,
  background_color: text,
  sign_in_text: text.default(''),
  support_contact: text.default(''),
  logo: upload,
  background: upload,
  favicon: upload,
  remove_logo: z.literal('on').optional(),
  remove_background: z.literal('on').optional(),
  remove_favicon: z.literal('on').optional(),
});

export type BrandingFormResult =
  | { readonly ok: true; readonly draft: BrandingDraft }
  | { readonly ok: false; readonly status: 400 | 413; readonly problems: readonly string[]; readonly fields?: BrandingFields };

function imageChange(kind: BrandImageKind, file: Upload | undefined, remove: boolean): ImageChange | string {
  // A file input left empty still sends an empty part: that means "keep".
  if (!file || (file.bytes.length === 0 && !file.truncated)) return remove ? { kind: 'remove' } : { kind: 'keep' };
  const checked = checkImage(kind, file.bytes, file.truncated);
  return checked.ok ? { kind: 'upload', image: checked.image } : imageProblemText(kind, IMAGE_RULES[kind], checked.problem);
}

export function parseBrandingForm(body: unknown): BrandingFormResult {
  const parsed = brandingSchema.safeParse(body ?? {});
  if (!parsed.success) return { ok: false, status: 400, problems: [m.badForm] };
  const form = parsed.data;
  const fields: BrandingFields = {
    layout: form.layout, primary_color: form.primary_color, background_color: form.background_color,
    sign_in_text: form.sign_in_text.slice(0, SIGN_IN_TEXT_MAX * 2), support_contact: form.support_contact.slice(0, SUPPORT_CONTACT_MAX * 2),
  };
  const problems: string[] = [];
  const primaryColor = parseColour(form.primary_color, DEFAULT_PRIMARY_COLOR);
  if (primaryColor === undefined) problems.push(m.invalidColour(m.primaryColour));
  const backgroundColor = parseColour(form.background_color, DEFAULT_BACKGROUND_COLOR);
  if (backgroundColor === undefined) problems.push(m.invalidColour(m.backgroundColour));
  const signInText = parseText(form.sign_in_text, SIGN_IN_TEXT_MAX, true);
  if (signInText === undefined) problems.push(m.textTooLong(m.signInText, SIGN_IN_TEXT_MAX));
  const supportContact = parseText(form.support_contact, SUPPORT_CONTACT_MAX, false);
  if (supportContact === undefined) problems.push(m.textTooLong(m.supportContact, SUPPORT_CONTACT_MAX));

  const images = {} as Record<BrandImageKind, ImageChange>;
  let tooBig = false;
  for (const kind of BRAND_IMAGE_KINDS) {
    const file = form[kind];
    const change = imageChange(kind, file, form[`remove_${kind}`] === 'on');
    if (typeof change === 'string') {
      problems.push(change);
      tooBig ||= file !== undefined && (file.truncated || file.bytes.length > IMAGE_RULES[kind].maxBytes);
    } else {
      images[kind] = change;
    }
  }
  if (problems.length > 0 || primaryColor === undefined || backgroundColor === undefined || signInText === undefined || supportContact === undefined) {
    return { ok: false, status: tooBig ? 413 : 400, problems, fields };
  }
  return { ok: true, draft: { layout: form.layout, primaryColor, backgroundColor, signInText, supportContact, images } };
}
