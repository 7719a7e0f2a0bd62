import { defineMessages } from './define-messages.ts';

export const signUp = defineMessages({
  en: {},
  fr: {},
  nl: {},
});
