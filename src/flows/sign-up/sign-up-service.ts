import type { PasswordHasher } from '../../accounts/password-hasher.ts';
import type { SessionStore } from '../../accounts/session-store.ts';
import { recordAudit } from '../../audit/audit-log.ts';
import { canonicalize, isValidEmail, isValidUsername, tidyEmail } from '../../domain/identifier.ts';
import { checkPassword } from '../../domain/password-policy.ts';
import { constantTimeEqual, generateCode, keyedHash, randomToken, sha256 } from '../../domain/secrets.ts';
import { enqueueEmail } from '../../email/outbox.ts';
import { sealCode } from '../../email/sealed-code.ts';
import { LatchkeyError } from '../../http/latchkey-error.ts';
import type { Kysely } from 'kysely';
import type { FlowMetrics } from '../../metrics/metrics.ts';
import type { Database, Directory, Flow, Locale } from '../../storage/schema.ts';
import { stateFromRow, stateToRow, transition, wrongStep, type DetailsProblem, type SignUpEvent, type SignUpState } from './sign-up-flow.ts';
import type { SignUpStore } from './sign-up-store.ts';

// Sign-up: load the flow bound to this browser → decide with transition() → save → queue mail.
//
// An address that already has an account gets exactly what a new one gets: the same page, the same
// statements, a code mailed to it. Only whoever reads that mailbox — the owner — learns, after
// entering the code, that the account exists, and is pointed to sign-in. Sending nothing instead would
// leave a forgetful owner waiting for a mail that never comes; a separate "you already have an account"
// mail would need a template of its own and shows nothing more. Either way the page never tells (R12).

export const MAX_CODE_ATTEMPTS = 5;
export const FLOW_LIFETIME_SECONDS = 3600;
export const SENDS_PER_HOUR = 10;
export const SECONDS_BETWEEN_SENDS = 60;
const MAX_DISPLAY_NAME = 100;

export interface SignUpServiceDeps {
  readonly store: SignUpStore;
  readonly sessions: SessionStore;
  readonly hasher: PasswordHasher;
  readonly key: Buffer;
  readonly settings: { readonly passwordMinLength: number; readonly resetCodeTtlSeconds: number };
  readonly mailQueued: () => void;
  readonly metrics?: FlowMetrics;
}

export interface Requester {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export interface FlowHandle {
  readonly directory: Directory;
  readonly flowId: string;
  /** The secret from the browser's sign-up cookie; its SHA-256 must equal flows.binding_hash. */
  readonly secret: string | undefined;
}

export interface Details {
  readonly displayName: string;
  readonly username: string;
  readonly password: string;
  readonly confirmation: string;
}

export interface SignUpService {
  start(input: { directory: Directory; email: string; locale: Locale; runId?: string | undefined }): Promise<{ ok: true; flowId: string; secret: string } | { ok: false }>;
  load(handle: FlowHandle): Promise<{ flow: Flow; state: SignUpState }>;
  resend(handle: FlowHandle): Promise<void>;
  verifyCode(handle: FlowHandle, code: string): Promise<void>;
  /** The new session's token once the account exists; undefined when the page has something to say. */
  create(handle: FlowHandle, details: Details, locale: Locale, requester: Requester): Promise<string | undefined>;
}

const notFound = () => new LatchkeyError({ status: 404, code: 'sign_up_flow_not_found' });
const isLive = (flow: Flow, now: Date) => flow.expires_at.getTime() > now.getTime();
const isTerminal = (state: SignUpState) => state.name === 'already_registered' || state.name === 'completed' || state.name === 'expired';

/** Full-width digits and stray spaces from copying out of a mail are forgiven; nothing else is. */
function tidyCode(code: string): string {
  return code.normalize('NFKC').replace(/\s+/g, '');
}

export function createSignUpService(deps: SignUpServiceDeps): SignUpService {
  const codeHmac = (flowId: string, code: string) => keyedHash(deps.key, 'sign-up-code', `${flowId}:${code}`);
  const identifierKey = (canonical: string) => keyedHash(deps.key, 'identifier', canonical);

  function bound(flow: Flow | undefined, secret: string | undefined): Flow {
    if (!flow || !secret || !constantTimeEqual(sha256(secret), flow.binding_hash)) throw notFound();
    return flow;
  }

  async function save(store: SignUpStore, flow: Flow, state: SignUpState, event: SignUpEvent, clearCode = false): Promise<SignUpState> {
    const next = transition(state, event);
    await store.saveState(flow.id, { ...stateToRow(next), clearCode });
    return next;
  }

  /** Within the caller's transaction: a new code unless the throttle says no, in which case nothing is sent (R5). */
  async function sendCode(store: SignUpStore, trx: Kysely<Database>, flow: Flow, directory: Directory): Promise<boolean> {
    const canonical = flow.identifier_canonical ?? '';
    const key = identifierKey(canonical);
    await store.lockIdentifier(directory.id, key);
    const now = new Date();
    const recent = await store.sendsSince(directory.id, key, new Date(now.getTime() - 3600_000));
    const tooSoon = recent.latest !== null && now.getTime() - recent.latest.getTime() < SECONDS_BETWEEN_SENDS * 1000;
    if (recent.count >= SENDS_PER_HOUR || tooSoon) return false;
    const code = generateCode();
    await store.issueCode(flow.id, { codeHmac: codeHmac(flow.id, code), codeExpiresAt: new Date(now.getTime() + deps.settings.resetCodeTtlSeconds * 1000) });
    await store.voidOtherCodes(directory.id, canonical, flow.id);
    await store.recordSend(directory.id, key);
    // Mail goes to the address on file when there is one, never a typed variant of it (R11).
    const existing = await store.findAccountByEmail(directory.id, canonical);
    await enqueueEmail(trx, {
      directoryId: directory.id,
      template: 'sign_up_code',
      locale: flow.locale,
      to: existing?.email ?? flow.identifier_input ?? '',
      payload: { sealedCode: sealCode(deps.key, code), minutes: Math.round(deps.settings.resetCodeTtlSeconds / 60) },
      runId: flow.run_id,
    });
    return true;
  }

  /** Locks the flow; a lapsed one is moved to `expired` and the caller is told to stop. */
  async function lockLive(store: SignUpStore, handle: FlowHandle): Promise<{ flow: Flow; state: SignUpState } | undefined> {
    const flow = bound(await store.lockFlow(handle.directory.id, handle.flowId), handle.secret);
    const state = stateFromRow(flow);
    if (!isTerminal(state) && !isLive(flow, new Date())) {
      await save(store, flow, state, { type: 'timed_out' }, true);
      return undefined;
    }
    return { flow, state };
  }

  function detailsProblem(directory: Directory, email: string, details: Details): DetailsProblem | undefined {
    const name = details.displayName.trim();
    if ([...name].length < 1 || [...name].length > MAX_DISPLAY_NAME || /\p{Cc}/u.test(name)) return 'sign_up_display_name_invalid';
    const byUsername = directory.sign_in_identifier === 'username';
    if (byUsername && !isValidUsername(details.username)) return 'sign_up_username_invalid';
    const identifiers = byUsername ? [email, details.username, name] : [email, name];
    return checkPassword(details.password, details.confirmation, { minLength: deps.settings.passwordMinLength, identifiers, directoryName: directory.display_name });
  }

  async function reject(handle: FlowHandle, problem: DetailsProblem, details: Details): Promise<undefined> {
    await deps.store.inTransaction(async (store) => {
      const live = await lockLive(store, handle);
      if (!live) return;
      await save(store, live.flow, live.state, { type: 'details_rejected', problem, displayName: details.displayName, username: details.username });
    });
    return undefined;
  }

  async function load(handle: FlowHandle): Promise<{ flow: Flow; state: SignUpState }> {
    const flow = bound(await deps.store.findFlow(handle.directory.id, handle.flowId), handle.secret);
    const state = stateFromRow(flow);
    // A lapsed flow reads as expired at once; the row catches up on the next POST.
    return { flow, state: !isTerminal(state) && !isLive(flow, new Date()) ? { name: 'expired' } : state };
  }

  /** In one transaction with the flow locked: the account, or the reason there is none (a lost race). */
  async function insertAccount(handle: FlowHandle, details: Details, passwordHash: string, locale: Locale, requester: Requester): Promise<string | undefined> {
    const { directory } = handle;
    const byUsername = directory.sign_in_identifier === 'username';
    return deps.store.inTransaction(async (store, trx) => {
      const live = await lockLive(store, handle);
      if (!live) return undefined;
      if (live.state.name !== 'choosing_details') throw wrongStep();
      const canonical = live.flow.identifier_canonical ?? '';
      const id = await store.createAccount({
        directory_id: directory.id,
        email: live.flow.identifier_input ?? '',
        email_canonical: canonical,
        // The code mailed to this address proved it.
        email_verified: true,
        username: byUsername ? details.username.normalize('NFKC').trim() : null,
        username_canonical: byUsername ? canonicalize(details.username) : null,
        display_name: details.displayName.trim(),
        password_hash: passwordHash,
        locale,
      });
      if (!id) {
        const emailTaken = await store.findAccountByEmail(directory.id, canonical);
        const event: SignUpEvent = emailTaken
          ? { type: 'email_taken' }
          : { type: 'details_rejected', problem: 'sign_up_username_taken', displayName: details.displayName, username: details.username };
        await save(store, live.flow, live.state, event);
        return undefined;
      }
      await save(store, live.flow, live.state, { type: 'account_created' });
      await recordAudit(trx, { type: 'sign_up', outcome: 'success', directoryId: directory.id, accountId: id, ...requester });
      return id;
    });
  }

  return {
    load,

    async start({ directory, email, locale, runId }) {
      if (!isValidEmail(email)) return { ok: false };
      const secret = randomToken();
      const canonical = canonicalize(email);
      const flowId = await deps.store.inTransaction(async (store, trx) => {
        const existing = await store.findAccountByEmail(directory.id, canonical);
        const flow = await store.createFlow({
          directoryId: directory.id,
          bindingHash: sha256(secret),
          emailCanonical: canonical,
          emailInput: tidyEmail(email),
          accountId: existing?.id ?? null,
          locale,
          ...stateToRow({ name: 'awaiting_code', notice: 'sent' }),
          expiresAt: new Date(Date.now() + FLOW_LIFETIME_SECONDS * 1000),
          runId: runId ?? null,
        });
        await sendCode(store, trx, flow, directory);
        return flow.id;
      });
      deps.mailQueued();
      return { ok: true, flowId, secret };
    },

    async resend(handle) {
      const sent = await deps.store.inTransaction(async (store, trx) => {
        const live = await lockLive(store, handle);
        if (!live) return false;
        if (live.state.name !== 'awaiting_code') throw wrongStep();
        await save(store, live.flow, live.state, { type: 'code_sent' });
        return sendCode(store, trx, live.flow, handle.directory);
      });
      if (sent) deps.mailQueued();
    },

    async verifyCode(handle, code) {
      await deps.store.inTransaction(async (store) => {
        const live = await lockLive(store, handle);
        if (!live) return;
        const { flow, state } = live;
        if (state.name !== 'awaiting_code') throw wrongStep();
        if (!flow.code_hmac) {
          return save(store, flow, state, { type: 'code_rejected', reason: flow.code_attempts >= MAX_CODE_ATTEMPTS ? 'exhausted' : 'expired' });
        }
        if (!flow.code_expires_at || flow.code_expires_at.getTime() <= Date.now()) {
          return save(store, flow, state, { type: 'code_rejected', reason: 'expired' }, true);
        }
        if (!constantTimeEqual(codeHmac(flow.id, tidyCode(code)), flow.code_hmac)) {
          const attempts = await store.recordWrongCode(flow.id, MAX_CODE_ATTEMPTS);
          return save(store, flow, state, { type: 'code_rejected', reason: attempts >= MAX_CODE_ATTEMPTS ? 'exhausted' : 'wrong' });
        }
        const existing = await store.findAccountByEmail(handle.directory.id, flow.identifier_canonical ?? '');
        // The code is single-use: cleared in the same statement that records the new state.
        return save(store, flow, state, { type: 'code_accepted', alreadyRegistered: existing !== undefined }, true);
      });
    },

    async create(handle, details, locale, requester) {
      const { directory } = handle;
      const { flow, state } = await load(handle);
      if (state.name === 'expired') return undefined;
      if (state.name !== 'choosing_details') throw wrongStep();
      const problem = detailsProblem(directory, flow.identifier_input ?? '', details);
      if (problem) return reject(handle, problem, details);
      if (directory.sign_in_identifier === 'username' && (await deps.store.isUsernameTaken(directory.id, canonicalize(details.username)))) {
        return reject(handle, 'sign_up_username_taken', details);
      }
      // Hashed before the transaction: 40 ms of argon2 must not hold a row lock.
      const passwordHash = await deps.hasher.hash(details.password);
      const accountId = await insertAccount(handle, details, passwordHash, locale, requester);
      if (!accountId) return undefined;
      deps.metrics?.flowOutcome({ flow: 'sign_up', outcome: 'completed' });
      return deps.sessions.start({ accountId, directoryId: directory.id, ...requester });
    },
  };
}
