import type { Locale } from '../../storage/schema.ts';
import { account } from './account.ts';
import { branding } from './branding.ts';
import { common } from './common.ts';
import { email } from './email.ts';
import { passwordPolicy } from './password-policy.ts';
import { passwordReset } from './password-reset.ts';
import { rateLimits } from './rate-limits.ts';
import { signIn } from './sign-in.ts';
import { signUp } from './sign-up.ts';
import { userFlow } from './user-flow.ts';

// One catalog per area so each flow owns its words; merged here into one table per language.
const areas = [common, passwordPolicy, signIn, signUp, passwordReset, account, email, rateLimits, userFlow, branding] as const;

type Merge<T extends readonly { en: object }[]> = T extends readonly [infer H extends { en: object }, ...infer R extends { en: object }[]]
  ? H['en'] & Merge<R>
  : unknown;

export type MessageKey = keyof Merge<typeof areas> & string;
export type Catalog = Readonly<Record<MessageKey, string>>;

function merge(locale: Locale): Catalog {
  const merged: Record<string, string> = {};
  for (const area of areas) {
    for (const [key, value] of Object.entries(area[locale])) {
      if (key in merged) throw new Error(`message key ${key} is defined twice`);
      merged[key] = value;
    }
  }
  return merged as Catalog;
}

export const catalogs: Readonly<Record<Locale, Catalog>> = { en: merge('en'), fr: merge('fr'), nl: merge('nl'), de: merge('de'), es: merge('es') };
