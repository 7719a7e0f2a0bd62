import type { Links } from '../../http/links.ts';
import { brandingImagePath } from '../../http/page-brand.ts';
import type { Directory } from '../../storage/schema.ts';

// What a message takes from its directory's branding. The logo is an absolute URL on PUBLIC_URL, never
// one built from a request (R14): mail is rendered by the dispatcher, long after any request.

export interface BrandingForEmail {
  readonly logoUrl?: string;
  /** #rrggbb */
  readonly primaryColor?: string;
  readonly supportContact?: string;
}

export function brandingForEmail(directory: Pick<Directory, 'slug' | 'brand_logo' | 'brand_primary_color' | 'support_contact'>, links: Links): BrandingForEmail {
  return {
    ...(directory.brand_logo ? { logoUrl: links.absolute(brandingImagePath(directory.slug, directory.brand_logo)) } : {}),
    ...(directory.brand_primary_color ? { primaryColor: directory.brand_primary_color } : {}),
    ...(directory.support_contact ? { supportContact: directory.support_contact } : {}),
  };
}
