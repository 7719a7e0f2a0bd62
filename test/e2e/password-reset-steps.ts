import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { FormClient, formAction, visibleText, type Page } from '../support/form-client.ts';
import { codeIn, type ReceivedMail } from '../support/smtp-sink.ts';
import type { TestLatchkey } from '../support/test-latchkey.ts';

// The customer's steps through password reset, as a browser takes them, shared by the reset e2e files.

export const EN = {
  sent: 'Verification code has been sent to your inbox. Please copy it to the input box below.',
  wrong: 'The verification code you have entered does not match our records. Please try again, or request a new code.',
  verified: 'E-mail address verified. You can now continue.',
};

export const RESET = '/d/default/reset';

export function customer(lk: TestLatchkey, headers: Record<string, string> = {}): FormClient {
  return new FormClient(lk.baseUrl, { 'accept-language': 'en', ...headers });
}

export async function requestCode(client: FormClient, identifier: string, field = 'email'): Promise<Page> {
  await client.get(RESET);
  return client.post(RESET, { [field]: identifier });
}

/** Mail parsers lower-case the domain; the local part, whose case we keep, is compared exactly. */
export const sameAddress = (a: string, b: string) => {
  const [la, da = ''] = a.split('@');
  const [lb, db = ''] = b.split('@');
  return la === lb && da.toLowerCase() === db.toLowerCase();
};

export const isResetCodeMail = (to: string) => (m: ReceivedMail) => m.to.some((t) => sameAddress(t, to)) && m.subject.includes('your code to reset your password');

/** The newest reset code mail to `to` after the first `seen` messages of the sink. */
export async function codeMailAfter(lk: TestLatchkey, to: string, seen: number): Promise<ReceivedMail> {
  return lk.smtp.waitFor((m) => isResetCodeMail(to)(m) && lk.smtp.messages.indexOf(m) >= seen);
}

export async function requestCodeAndRead(lk: TestLatchkey, client: FormClient, email: string): Promise<string> {
  const seen = lk.smtp.messages.length;
  const page = await requestCode(client, email);
  assert.equal(page.status, 200);
  assert.ok(visibleText(page.body).includes(EN.sent));
  return codeIn(await codeMailAfter(lk, email, seen));
}

export function submitCode(client: FormClient, code: string): Promise<Page> {
  return client.post(formAction(client.last!.body, 'Verify code'), { code });
}

export function sendNewCode(client: FormClient): Promise<Page> {
  return client.post(formAction(client.last!.body, 'Send new code'), {});
}

export function flowIdOf(page: Page): string {
  const match = /\/reset\/([0-9a-f-]{36})/.exec(page.url);
  assert.ok(match?.[1], `no flow id in ${page.url}`);
  return match[1];
}

/** From the verified page: Continue, then the new password twice. */
export async function chooseNewPassword(client: FormClient, password: string, confirmation = password): Promise<Page> {
  let page = client.last!;
  if (visibleText(page.body).includes(EN.verified)) page = await client.post(formAction(page.body, 'Continue'), {});
  return client.post(formAction(page.body, 'Continue'), { new_password: password, confirm_password: confirmation });
}

export async function accountRow(lk: TestLatchkey, id: string) {
  return lk.latchkey.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export async function flowRow(lk: TestLatchkey, id: string) {
  return lk.latchkey.db.selectFrom('flows').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** The 60 s between sends (R5) waited out by moving every earlier send back in time. */
export async function waitOutResendGap(lk: TestLatchkey): Promise<void> {
  await sql`UPDATE code_sends SET sent_at = sent_at - interval '61 seconds'`.execute(lk.latchkey.db);
}
