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
  de: {
    support_label: 'Brauchen Sie Hilfe?',
    email_support: 'Brauchen Sie Hilfe? Wenden Sie sich an {contact}.',
  },
  es: {
    support_label: '¿Necesita ayuda?',
    email_support: '¿Necesita ayuda? Póngase en contacto con {contact}.',
  },
});
