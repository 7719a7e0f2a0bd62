import { sql, type Kysely } from 'kysely';
import type { Database, Directory } from '../storage/schema.ts';
import { DEFAULT_BRANDING, type CheckedImage } from './branding.ts';

// Where branding lives: the brand_* columns of the directory and its images, stored as bytea under
// their SHA-256 so a URL names exactly one content and may be cached for ever.

export interface StoredImage {
  readonly contentType: string;
  readonly bytes: Buffer;
}

/** An image nobody uses is kept this long, so a preview that is being looked at keeps its pictures. */
const UNUSED_IMAGE_GRACE_SECONDS = 3600;

export interface BrandingStore {
  findImage(slug: string, sha256: string): Promise<StoredImage | undefined>;
  /** Idempotent: the same bytes uploaded twice are one row. */
  saveImage(directoryId: string, image: CheckedImage): Promise<void>;
  /** Writes the directory's look (and support contact) as `next` has it. */
  saveBranding(directoryId: string, next: Directory): Promise<void>;
  resetBranding(directoryId: string): Promise<void>;
  /** Images no column points at any more, older than the grace period; the foreign keys protect the rest. */
  removeUnusedImages(directoryId: string): Promise<number>;
}

export function createBrandingStore(db: Kysely<Database>): BrandingStore {
  return {
    async findImage(slug, sha256) {
      const row = await db
        .selectFrom('branding_images as i')
        .innerJoin('directories as d', 'd.id', 'i.directory_id')
        .select(['i.content_type', 'i.bytes'])
        .where('d.slug', '=', slug)
        .where('i.sha256', '=', sha256)
        .executeTakeFirst();
      return row ? { contentType: row.content_type, bytes: row.bytes } : undefined;
    },
    async saveImage(directoryId, image) {
      await db
        .insertInto('branding_images')
        .values({ directory_id: directoryId, sha256: image.sha256, content_type: image.contentType, width: image.width, height: image.height, bytes: image.bytes })
        .onConflict((oc) => oc.columns(['directory_id', 'sha256']).doNothing())
        .execute();
    },
    async saveBranding(directoryId, next) {
      await db
        .updateTable('directories')
        .set({
          brand_layout: next.brand_layout,
          brand_primary_color: next.brand_primary_color,
          brand_background_color: next.brand_background_color,
          brand_sign_in_text: next.brand_sign_in_text,
          brand_logo: next.brand_logo,
          brand_background: next.brand_background,
          brand_favicon: next.brand_favicon,
          support_contact: next.support_contact,
          updated_at: new Date(),
        })
        .where('id', '=', directoryId)
        .execute();
    },
    async resetBranding(directoryId) {
      await db.updateTable('directories').set({ ...DEFAULT_BRANDING, updated_at: new Date() }).where('id', '=', directoryId).execute();
    },
    async removeUnusedImages(directoryId) {
      const result = await db
        .deleteFrom('branding_images as i')
        .where('i.directory_id', '=', directoryId)
        .where('i.created_at', '<', sql<Date>`now() - make_interval(secs => ${UNUSED_IMAGE_GRACE_SECONDS})`)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('directories as d')
                .select('d.id')
                .whereRef('d.id', '=', 'i.directory_id')
                .where((w) => w.or([w('d.brand_logo', '=', w.ref('i.sha256')), w('d.brand_background', '=', w.ref('i.sha256')), w('d.brand_favicon', '=', w.ref('i.sha256'))])),
            ),
          ),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
