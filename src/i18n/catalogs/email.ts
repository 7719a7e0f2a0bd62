import { defineMessages } from './define-messages.ts';

export const email = defineMessages({
  en: {},
  fr: {},
  nl: {},
});
