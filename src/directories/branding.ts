import { createHash } from 'node:crypto';
import { CONTENT_TYPES, looksLikeMarkup, readImageHeader, type ImageHeader, type ImageType } from '../domain/image-header.ts';
import type { BrandLayout, Directory } from '../storage/schema.ts';

// The rules of a directory's branding, without I/O: which images are accepted, how colours and text
// are checked, and what a submitted form becomes. Everything is checked before anything is written, so
// a bad field changes nothing.

export type BrandImageKind = 'logo' | 'background' | 'favicon';
export const BRAND_IMAGE_KINDS: readonly BrandImageKind[] = ['logo', 'background', 'favicon'];
export const BRAND_LAYOUTS: readonly BrandLayout[] = ['classic', 'split'];

export interface ImageRule {
  readonly types: readonly ImageType[];
  readonly maxBytes: number;
  readonly maxWidth: number;
  readonly maxHeight: number;
}

export const IMAGE_RULES: Readonly<Record<BrandImageKind, ImageRule>> = {
  logo: { types: ['png', 'jpeg', 'webp', 'gif'], maxBytes: 256 * 1024, maxWidth: 1024, maxHeight: 512 },
  background: { types: ['png', 'jpeg', 'webp', 'gif'], maxBytes: 1024 * 1024, maxWidth: 4096, maxHeight: 4096 },
  favicon: { types: ['ico', 'png'], maxBytes: 64 * 1024, maxWidth: 256, maxHeight: 256 },
};

/** The largest file any rule accepts: the multipart parser stops reading a file beyond it. */
export const MAX_IMAGE_BYTES = Math.max(...Object.values(IMAGE_RULES).map((r) => r.maxBytes));

export const DEFAULT_PRIMARY_COLOR = '#0b5cad';
export const DEFAULT_BACKGROUND_COLOR = '#f3f5f8';
export const SIGN_IN_TEXT_MAX = 500;
export const SUPPORT_CONTACT_MAX = 200;

export interface CheckedImage extends ImageHeader {
  readonly sha256: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

export type ImageProblem = 'markup' | 'type' | 'too_big' | 'too_large';
export type ImageCheck = { readonly ok: true; readonly image: CheckedImage } | { readonly ok: false; readonly problem: ImageProblem };

/** Type by magic bytes, then file size, then the dimensions the header declares. */
export function checkImage(kind: BrandImageKind, bytes: Buffer, truncated = false): ImageCheck {
  const rule = IMAGE_RULES[kind];
  if (truncated || bytes.length > rule.maxBytes) return { ok: false, problem: 'too_big' };
  const header = readImageHeader(bytes);
  if (!header) return { ok: false, problem: looksLikeMarkup(bytes) ? 'markup' : 'type' };
  if (!rule.types.includes(header.type)) return { ok: false, problem: 'type' };
  if (header.width > rule.maxWidth || header.height > rule.maxHeight) return { ok: false, problem: 'too_large' };
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { ok: true, image: { ...header, sha256, contentType: CONTENT_TYPES[header.type], bytes } };
}

const COLOUR = /^#[0-9a-f]{6}$/;

/** A #rrggbb colour, or null for "Latchkey's default"; undefined when the value is not a colour. */
export function parseColour(value: string, fallback: string): string | null | undefined {
  const colour = value.trim().toLowerCase();
  if (colour === '') return null;
  if (!COLOUR.test(colour)) return undefined;
  return colour === fallback ? null : colour;
}

/** Plain text of bounded length, or null when empty; undefined when too long. Line breaks are kept only where allowed. */
export function parseText(value: string, max: number, multiline: boolean): string | null | undefined {
  const text = value.replace(/\r\n?/g, '\n').replace(multiline ? /[^\S\n]+/g : /\s+/g, ' ').trim();
  if (text.length > max) return undefined;
  return text === '' ? null : text;
}

/** White or near-black, whichever reads better on the colour (WCAG relative luminance). */
export function textColourOn(hex: string): string {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(1 + i * 2, 3 + i * 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  return luminance > 0.179 ? '#1b1f24' : '#ffffff';
}

/** What the branding form decides for one image. */
export type ImageChange = { readonly kind: 'keep' } | { readonly kind: 'remove' } | { readonly kind: 'upload'; readonly image: CheckedImage };

export interface BrandingDraft {
  readonly layout: BrandLayout;
  readonly primaryColor: string | null;
  readonly backgroundColor: string | null;
  readonly signInText: string | null;
  readonly supportContact: string | null;
  readonly images: Readonly<Record<BrandImageKind, ImageChange>>;
}

export const imageColumn = (kind: BrandImageKind) => (`brand_${kind}` as const);

/** The directory as it would be with the draft applied: what the preview renders and the save writes. */
export function applyDraft(directory: Directory, draft: BrandingDraft): Directory {
  const image = (kind: BrandImageKind): string | null => {
    const change = draft.images[kind];
    return change.kind === 'keep' ? directory[imageColumn(kind)] : change.kind === 'remove' ? null : change.image.sha256;
  };
  return {
    ...directory,
    brand_layout: draft.layout,
    brand_primary_color: draft.primaryColor,
    brand_background_color: draft.backgroundColor,
    brand_sign_in_text: draft.signInText,
    support_contact: draft.supportContact,
    brand_logo: image('logo'),
    brand_background: image('background'),
    brand_favicon: image('favicon'),
  };
}

/** The directory's look as Latchkey ships it; the support contact is not part of the look and stays. */
export const DEFAULT_BRANDING = {
  brand_layout: 'classic',
  brand_primary_color: null,
  brand_background_color: null,
  brand_sign_in_text: null,
  brand_logo: null,
  brand_background: null,
  brand_favicon: null,
} as const satisfies Partial<Directory>;
