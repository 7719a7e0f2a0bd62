import { defineMessages } from './define-messages.ts';

export const signIn = defineMessages({
  en: {},
  fr: {},
  nl: {},
});
