import { catalogs, type MessageKey } from './catalogs/index.ts';
import type { Locale } from '../storage/schema.ts';

export const LOCALES: readonly Locale[] = ['en', 'fr', 'nl', 'de', 'es'];
export type { MessageKey };

export type Translate = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function isMessageKey(value: string): value is MessageKey {
  return Object.hasOwn(catalogs.en, value);
}

/** A directory's replacements for some catalog strings in one language. */
export type Overrides = Readonly<Partial<Record<MessageKey, string>>>;

/**
 * `{name}` placeholders are filled from params; a missing param stays visible rather than vanishing.
 * An override wins over the catalog; overrides are plain text, escaped wherever they are shown.
 */
export function translator(locale: Locale, overrides?: Overrides): Translate {
  const catalog = catalogs[locale];
  return (key, params) => {
    const template = overrides?.[key] ?? catalog[key] ?? catalogs.en[key] ?? key;
    return params ? template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole)) : template;
  };
}

/** The languages a directory offers and the one it falls back to (always among them). */
export interface LanguagePolicy {
  readonly offered: readonly Locale[];
  readonly fallback: Locale;
}

/** The first candidate the directory offers, else its fallback: a stored account locale may be one it dropped. */
export function offeredLocale(policy: LanguagePolicy, ...candidates: ReadonlyArray<Locale | null | undefined>): Locale {
  return candidates.find((c): c is Locale => isLocale(c) && policy.offered.includes(c)) ?? policy.fallback;
}

/**
 * The customer's language: `ui_locales` (OIDC's parameter, space-separated preferences), then the
 * remembered choice, then Accept-Language by quality, then the directory's default.
 */
export function negotiateLocale(input: {
  uiLocales?: unknown;
  remembered?: unknown;
  acceptLanguage?: unknown;
  fallback: Locale;
  /** Only these may be chosen; all languages when absent. */
  offered?: readonly Locale[];
}): Locale {
  const offered = input.offered ?? LOCALES;
  const isLocale = (value: unknown): value is Locale => typeof value === 'string' && (offered as readonly string[]).includes(value);
  if (typeof input.uiLocales === 'string') {
    for (const tag of input.uiLocales.split(/\s+/).slice(0, 10)) {
      const base = tag.toLowerCase().split('-')[0];
      if (isLocale(base)) return base;
    }
  }
  if (isLocale(input.remembered)) return input.remembered;
  if (typeof input.acceptLanguage === 'string') {
    const ranked = input.acceptLanguage
      .slice(0, 500)
      .split(',')
      .map((part, index) => {
        const [tag = '', ...params] = part.trim().split(';');
        const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
        const quality = q ? Number.parseFloat(q.slice(2)) : 1;
        return { base: tag.toLowerCase().split('-')[0], quality: Number.isFinite(quality) ? quality : 0, index };
      })
      .filter((entry) => entry.quality > 0)
      .sort((a, b) => b.quality - a.quality || a.index - b.index);
    for (const entry of ranked) if (isLocale(entry.base)) return entry.base;
  }
  return input.fallback;
}
