import { textColourOn } from '../directories/branding.ts';
import type { BrandLayout, Directory } from '../storage/schema.ts';

// What the customer frame needs of a directory's branding, as URLs on Latchkey's own origin: the CSP
// allows images and styles from 'self' only, so nothing here may point anywhere else.

export interface PageBrand {
  readonly name: string;
  readonly layout: BrandLayout;
  readonly logoSrc?: string;
  readonly faviconSrc?: string;
  /** The stylesheet carrying the colours and background image; absent for Latchkey's default look. */
  readonly themeHref?: string;
  readonly supportContact?: string;
  readonly signInText?: string;
}

/** For pages that belong to no directory (an unknown address, an error before one was found). */
export const LATCHKEY_BRAND: PageBrand = { name: 'Latchkey', layout: 'classic' };

const brandingBase = (slug: string): string => `/d/${encodeURIComponent(slug)}/branding`;

export function brandingImagePath(slug: string, sha256: string): string {
  return `${brandingBase(slug)}/${sha256}`;
}

/**
 * The theme is a pure function of its query: the URL changes whenever the values do, so it can be
 * cached for ever, and the preview can ask for values that are not saved yet.
 */
export function themePath(directory: Directory): string | undefined {
  const query = new URLSearchParams();
  if (directory.brand_primary_color) query.set('primary', directory.brand_primary_color.slice(1));
  if (directory.brand_background_color) query.set('background', directory.brand_background_color.slice(1));
  if (directory.brand_background) query.set('image', directory.brand_background);
  return query.size ? `${brandingBase(directory.slug)}/theme.css?${query.toString()}` : undefined;
}

const HEX = /^[0-9a-f]{6}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** The theme stylesheet for a query; anything that is not a colour or a hash is left out, never echoed. */
export function themeCss(query: Readonly<Record<string, unknown>>): string {
  const value = (key: string, pattern: RegExp) => {
    const v = query[key];
    return typeof v === 'string' && pattern.test(v) ? v : undefined;
  };
  const primary = value('primary', HEX);
  const background = value('background', HEX);
  const image = value('image', SHA256);
  const variables = [
    ...(primary ? [`--primary:#${primary}`, `--primary-dark:color-mix(in srgb,#${primary} 80%,#000)`, `--on-primary:${textColourOn(`#${primary}`)}`] : []),
    ...(background ? [`--bg:#${background}`] : []),
  ];
  // Relative to this stylesheet, which lives beside the images.
  const rules = [...(variables.length ? [`:root{${variables.join(';')}}`] : []), ...(image ? [`.backdrop{background-image:url("${image}")}`] : [])];
  return rules.join('\n');
}

export function pageBrand(directory: Directory): PageBrand {
  const theme = themePath(directory);
  return {
    name: directory.display_name,
    layout: directory.brand_layout,
    ...(directory.brand_logo ? { logoSrc: brandingImagePath(directory.slug, directory.brand_logo) } : {}),
    ...(directory.brand_favicon ? { faviconSrc: brandingImagePath(directory.slug, directory.brand_favicon) } : {}),
    ...(theme ? { themeHref: theme } : {}),
    ...(directory.support_contact ? { supportContact: directory.support_contact } : {}),
    ...(directory.brand_sign_in_text ? { signInText: directory.brand_sign_in_text } : {}),
  };
}
