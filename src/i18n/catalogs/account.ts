import { defineMessages } from './define-messages.ts';

export const account = defineMessages({
  en: {
    account_title: 'My account',
    account_display_name: 'Display name',
    account_change_password: 'Change password',
    account_current_password: 'Current password',
    account_new_password: 'New password',
    account_confirm_new_password: 'Confirm new password',
    account_current_password_wrong: 'Your current password is not right. Check it and try again.',
    account_password_changed: 'Your password has been changed. Your other sessions have been signed out.',
    account_sign_out: 'Sign out',
  },
  fr: {
    account_title: 'Mon compte',
    account_display_name: 'Nom affiché',
    account_change_password: 'Changer le mot de passe',
    account_current_password: 'Mot de passe actuel',
    account_new_password: 'Nouveau mot de passe',
    account_confirm_new_password: 'Confirmer le nouveau mot de passe',
    account_current_password_wrong: 'Votre mot de passe actuel n’est pas correct. Vérifiez-le et réessayez.',
    account_password_changed: 'Votre mot de passe a été changé. Vos autres sessions ont été fermées.',
    account_sign_out: 'Se déconnecter',
  },
  nl: {
    account_title: 'Mijn account',
    account_display_name: 'Weergavenaam',
    account_change_password: 'Wachtwoord wijzigen',
    account_current_password: 'Huidig wachtwoord',
    account_new_password: 'Nieuw wachtwoord',
    account_confirm_new_password: 'Nieuw wachtwoord bevestigen',
    account_current_password_wrong: 'Uw huidige wachtwoord klopt niet. Controleer het en probeer het opnieuw.',
    account_password_changed: 'Uw wachtwoord is gewijzigd. Uw andere sessies zijn afgemeld.',
    account_sign_out: 'Afmelden',
  },
});
