import { defineMessages } from './define-messages.ts';

// The 429 page. It names no account and no limit: the same words whichever limit was reached (R12).

export const rateLimits = defineMessages({
  en: {
    error_rate_limited: 'Too many attempts. Please wait a few minutes before you try again.',
  },
  fr: {
    error_rate_limited: 'Trop de tentatives. Patientez quelques minutes avant de réessayer.',
  },
  nl: {
    error_rate_limited: 'Te veel pogingen. Wacht een paar minuten voordat u het opnieuw probeert.',
  },
  de: {
    error_rate_limited: 'Zu viele Versuche. Bitte warten Sie ein paar Minuten, bevor Sie es erneut versuchen.',
  },
  es: {
    error_rate_limited: 'Demasiados intentos. Espere unos minutos antes de volver a intentarlo.',
  },
});
