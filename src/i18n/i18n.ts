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

/** `{name}` placeholders are filled from params; a missing param stays visible rather than vanishing. */
export function translator(locale: Locale): Translate {
  const catalog = catalogs[locale];
  return (key, params) => {
    const template = catalog[key] ?? catalogs.en[key] ?? key;
    return params ? template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole)) : template;
  };
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
}): Locale {
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
