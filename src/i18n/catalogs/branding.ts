import { defineMessages } from './define-messages.ts';

// Words the directory's branding adds around its own text: the support contact on pages and in mail.
export const branding = defineMessages({
  en: {
    support_label: 'Need help?',
    email_support: 'Need help? Contact {contact}.',
  },
  fr: {
    support_label: 'Besoin d’aide ?',
    email_support: 'Besoin d’aide ? Contactez {contact}.',
  },
  nl: {
    support_label: 'Hulp nodig?',
    email_support: 'Hulp nodig? Neem contact op via {contact}.',
  },
});
