import { defineMessages } from './define-messages.ts';

export const passwordReset = defineMessages({
  en: {},
  fr: {},
  nl: {},
});
