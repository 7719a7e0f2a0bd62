import { defineMessages } from './define-messages.ts';

export const account = defineMessages({
  en: {},
  fr: {},
  nl: {},
});
