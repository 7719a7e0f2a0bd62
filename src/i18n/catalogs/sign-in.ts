import { defineMessages } from './define-messages.ts';

// Sign-in words. `sign_in_failed` is the ONE message for every failure (L3): wrong password, unknown
// account, locked, disabled. It hints at waiting so a locked-out customer is not left guessing, yet it
// reads the same whichever failure it was.
export const signIn = defineMessages({
  en: {
    sign_in_title: 'Sign in',
    sign_in_heading: 'Sign in',
    sign_in_submit: 'Sign in',
    sign_in_failed: 'We could not sign you in with these details. Check them and try again; after several attempts, wait a minute before trying again.',
    sign_in_no_account: 'Don’t have an account?',
    sign_in_sign_up_link: 'Sign up now',
    sign_in_forgot: "Can't access your account?",
    sign_in_notice_password_reset: 'Your password has been reset. Sign in with your new password.',
    sign_in_notice_signed_out: 'You have been signed out.',
    sign_in_notice_session_required: 'Please sign in to continue.',
  },
  fr: {
    sign_in_title: 'Connexion',
    sign_in_heading: 'Connexion',
    sign_in_submit: 'Se connecter',
    sign_in_failed: 'Impossible de vous connecter avec ces informations. Vérifiez-les et réessayez ; après plusieurs tentatives, patientez une minute avant de réessayer.',
    sign_in_no_account: 'Vous n’avez pas de compte ?',
    sign_in_sign_up_link: 'Inscrivez-vous maintenant',
    sign_in_forgot: 'Votre compte n’est pas accessible ?',
    sign_in_notice_password_reset: 'Votre mot de passe a été réinitialisé. Connectez-vous avec votre nouveau mot de passe.',
    sign_in_notice_signed_out: 'Vous avez été déconnecté.',
    sign_in_notice_session_required: 'Connectez-vous pour continuer.',
  },
  nl: {
    sign_in_title: 'Aanmelden',
    sign_in_heading: 'Aanmelden',
    sign_in_submit: 'Aanmelden',
    sign_in_failed: 'We konden u met deze gegevens niet aanmelden. Controleer ze en probeer het opnieuw; wacht na meerdere pogingen een minuut voordat u het opnieuw probeert.',
    sign_in_no_account: 'Hebt u nog geen account?',
    sign_in_sign_up_link: 'Nu registreren',
    sign_in_forgot: 'Hebt u geen toegang tot uw account?',
    sign_in_notice_password_reset: 'Uw wachtwoord is opnieuw ingesteld. Meld u aan met uw nieuwe wachtwoord.',
    sign_in_notice_signed_out: 'U bent afgemeld.',
    sign_in_notice_session_required: 'Meld u aan om verder te gaan.',
  },
});
