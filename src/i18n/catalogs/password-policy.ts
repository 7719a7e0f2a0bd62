import { defineMessages } from './define-messages.ts';

// Keys match domain/password-policy.ts's PasswordProblem, so a problem is its own message key.
export const passwordPolicy = defineMessages({
  en: {
    password_too_short: 'Your password must be at least {min} characters long.',
    password_too_long: 'Your password can be at most {max} characters long.',
    password_common: 'This password is too common and easy to guess. Choose another one.',
    password_contains_identifier: 'Your password must not contain your email address, username or name.',
    password_contains_directory: 'Your password must not contain the name of this service.',
    password_mismatch: 'The passwords do not match.',
    password_hint: 'At least {min} characters. Long passphrases are welcome.',
  },
  fr: {
    password_too_short: 'Votre mot de passe doit contenir au moins {min} caractères.',
    password_too_long: 'Votre mot de passe peut contenir au plus {max} caractères.',
    password_common: 'Ce mot de passe est trop courant et facile à deviner. Choisissez-en un autre.',
    password_contains_identifier: 'Votre mot de passe ne doit contenir ni votre adresse e-mail, ni votre nom d’utilisateur, ni votre nom.',
    password_contains_directory: 'Votre mot de passe ne doit pas contenir le nom de ce service.',
    password_mismatch: 'Les mots de passe ne correspondent pas.',
    password_hint: 'Au moins {min} caractères. Les phrases de passe longues sont bienvenues.',
  },
  nl: {
    password_too_short: 'Uw wachtwoord moet minstens {min} tekens lang zijn.',
    password_too_long: 'Uw wachtwoord mag hoogstens {max} tekens lang zijn.',
    password_common: 'Dit wachtwoord komt te vaak voor en is makkelijk te raden. Kies een ander.',
    password_contains_identifier: 'Uw wachtwoord mag uw e-mailadres, gebruikersnaam of naam niet bevatten.',
    password_contains_directory: 'Uw wachtwoord mag de naam van deze dienst niet bevatten.',
    password_mismatch: 'De wachtwoorden komen niet overeen.',
    password_hint: 'Minstens {min} tekens. Lange wachtzinnen zijn welkom.',
  },
  de: {
    password_too_short: 'Ihr Passwort muss mindestens {min} Zeichen lang sein.',
    password_too_long: 'Ihr Passwort darf höchstens {max} Zeichen lang sein.',
    password_common: 'Dieses Passwort ist zu verbreitet und leicht zu erraten. Wählen Sie ein anderes.',
    password_contains_identifier: 'Ihr Passwort darf weder Ihre E-Mail-Adresse noch Ihren Benutzernamen oder Namen enthalten.',
    password_contains_directory: 'Ihr Passwort darf nicht den Namen dieses Dienstes enthalten.',
    password_mismatch: 'Die Passwörter stimmen nicht überein.',
    password_hint: 'Mindestens {min} Zeichen. Lange Passphrasen sind willkommen.',
  },
  es: {
    password_too_short: 'La contraseña debe tener al menos {min} caracteres.',
    password_too_long: 'La contraseña puede tener como máximo {max} caracteres.',
    password_common: 'Esta contraseña es demasiado común y fácil de adivinar. Elija otra.',
    password_contains_identifier: 'La contraseña no puede contener su dirección de correo electrónico, su nombre de usuario ni su nombre.',
    password_contains_directory: 'La contraseña no puede contener el nombre de este servicio.',
    password_mismatch: 'Las contraseñas no coinciden.',
    password_hint: 'Al menos {min} caracteres. Las frases de contraseña largas son bienvenidas.',
  },
});
