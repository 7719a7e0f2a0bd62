import type { PasswordProblem } from '../../domain/password-policy.ts';

// Every string the admin portal shows, in one place. The portal is English only for now; keeping the
// text out of the templates means a translation later is a new table, not a hunt through markup.

export const adminMessages = {
  product: 'Latchkey admin',
  skipToContent: 'Skip to content',
  signedInAs: 'Signed in as {email}',
  signOut: 'Sign out',
  footer: 'Latchkey administration',

  signInTitle: 'Sign in',
  signInIntro: 'Sign in with your administrator account.',
  fieldEmail: 'Email',
  fieldPassword: 'Password',
  fieldConfirm: 'Confirm password',
  signInButton: 'Sign in',
  signInFailed: 'The email or password is incorrect.',
  showPassword: 'Show password',
  hidePassword: 'Hide password',

  setupTitle: 'Create the first administrator',
  setupIntro: 'No administrator exists yet. Choose the email address and password you will sign in with.',
  setupPasswordHint: 'At least {min} characters. A long phrase you can remember works well.',
  setupButton: 'Create administrator',
  setupInvalidTitle: 'This setup link cannot be used',
  setupInvalid:
    'The link has expired, was already used, or was replaced by a newer one. Restart Latchkey to log a new link, or run `npx latchkey admin create`.',
  setupAdminExists: 'An administrator already exists. Sign in instead.',
  goToSignIn: 'Go to sign in',

  directoriesTitle: 'Directories',
  directoriesIntro: 'Each directory has its own customers, sign-in page and settings.',
  directoriesEmpty: 'There are no directories yet.',
  columnName: 'Name',
  columnSlug: 'Slug',
  columnIdentifier: 'Sign-in identifier',
  columnReset: 'Self service password reset',

  navLabel: 'Directory settings',
  navOverview: 'Overview',
  navPasswordReset: 'Password reset',
  navUsers: 'Users',
  navGroups: 'Groups',
  breadcrumbLabel: 'Breadcrumb',
  overviewTitle: 'Overview',
  customerSignInPage: 'Customer sign-in page',

  identifierEmail: 'Email address',
  identifierUsername: 'Username',
  scopeNone: 'None',
  scopeAll: 'All',
  scopeSelected: 'Selected',
  scopeSelectedHint: 'Only members of the groups chosen below can reset a forgotten password. Others are told by email to contact support.',
  scopeNoneHint: 'Customers cannot reset a forgotten password themselves.',
  scopeAllHint: 'Every customer with a verified email address can reset a forgotten password with an emailed code.',

  passwordResetTitle: 'Password reset',
  passwordResetLegend: 'Self service password reset enabled',
  save: 'Save',
  saved: 'Saved',
  invalidResetScope: 'Choose None, All or Selected. Nothing was changed.',
  invalidResetGroups: 'With Selected, choose at least one group of this directory. Nothing was changed.',
  resetGroupsLegend: 'Groups whose members can reset',
  resetGroupsNone: 'This directory has no groups yet. Create one on the Groups page first.',

  badRequestTitle: 'Bad request',
  badRequest: 'The form could not be understood. Go back, reload the page and try again.',
  notFoundTitle: 'Not found',
  directoryNotFound: 'There is no directory with this name.',
  backToDirectories: 'Back to directories',
  forbiddenTitle: 'Not allowed',
  directoryForbidden: 'Your administrator account does not have access to this directory.',
  fullAdminOnly: 'Only administrators with access to every directory can open this page.',

  navMain: 'Portal',
  navDirectories: 'Directories',
  navAudit: 'Audit log',
  navMailbox: 'Mailbox',
  navAdministrators: 'Administrators',

  invalidEmail: 'Enter a valid email address, such as admin@example.com.',
  duplicateEmail: 'An administrator with this email address already exists.',
} as const;

export type AdminMessageKey = keyof typeof adminMessages;

/** A message with its `{name}` placeholders filled in. */
export function adminText(key: AdminMessageKey, params: Readonly<Record<string, string | number>> = {}): string {
  return adminMessages[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

const passwordProblems: Record<PasswordProblem, string> = {
  password_too_short: 'The password is too short: administrators need at least {min} characters.',
  password_too_long: 'The password is too long: at most {max} characters.',
  password_common: 'This password is too common and easy to guess. Choose another.',
  password_contains_identifier: 'The password must not contain the email address.',
  password_contains_directory: 'The password must not contain the product name.',
  password_mismatch: 'The two passwords do not match.',
};

export function passwordProblemText(problem: PasswordProblem, params: { min: number; max: number }): string {
  return passwordProblems[problem].replace(/\{(min|max)\}/g, (_whole, name: 'min' | 'max') => String(params[name]));
}
