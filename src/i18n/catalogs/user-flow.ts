import { defineMessages } from './define-messages.ts';

// Words of the pages an application's user flow shows beyond sign-in itself.
export const userFlow = defineMessages({
  en: {
    user_flow_expired_title: 'This sign-in has expired',
    user_flow_expired: 'This sign-in link is no longer valid. Go back to the application and start again.',
    user_flow_error_title: 'The application’s request could not be completed',
    profile_edit_title: 'Edit your profile',
    profile_edit_save: 'Continue',
    profile_edit_display_name_invalid: 'Enter a display name of 1 to 100 characters.',
  },
  fr: {
    user_flow_expired_title: 'Cette connexion a expiré',
    user_flow_expired: 'Ce lien de connexion n’est plus valide. Revenez à l’application et recommencez.',
    user_flow_error_title: 'La demande de l’application n’a pas pu aboutir',
    profile_edit_title: 'Modifier votre profil',
    profile_edit_save: 'Continuer',
    profile_edit_display_name_invalid: 'Saisissez un nom affiché de 1 à 100 caractères.',
  },
  nl: {
    user_flow_expired_title: 'Deze aanmelding is verlopen',
    user_flow_expired: 'Deze aanmeldkoppeling is niet meer geldig. Ga terug naar de toepassing en begin opnieuw.',
    user_flow_error_title: 'Het verzoek van de toepassing kon niet worden voltooid',
    profile_edit_title: 'Uw profiel bewerken',
    profile_edit_save: 'Doorgaan',
    profile_edit_display_name_invalid: 'Voer een weergavenaam van 1 tot 100 tekens in.',
  },
  de: {
    user_flow_expired_title: 'Diese Anmeldung ist abgelaufen',
    user_flow_expired: 'Dieser Anmeldelink ist nicht mehr gültig. Kehren Sie zur Anwendung zurück und beginnen Sie erneut.',
    user_flow_error_title: 'Die Anfrage der Anwendung konnte nicht abgeschlossen werden',
    profile_edit_title: 'Profil bearbeiten',
    profile_edit_save: 'Weiter',
    profile_edit_display_name_invalid: 'Geben Sie einen Anzeigenamen mit 1 bis 100 Zeichen ein.',
  },
  es: {
    user_flow_expired_title: 'Este inicio de sesión ha caducado',
    user_flow_expired: 'Este enlace de inicio de sesión ya no es válido. Vuelva a la aplicación y empiece de nuevo.',
    user_flow_error_title: 'No se ha podido completar la solicitud de la aplicación',
    profile_edit_title: 'Editar su perfil',
    profile_edit_save: 'Continuar',
    profile_edit_display_name_invalid: 'Introduzca un nombre para mostrar de 1 a 100 caracteres.',
  },
});
