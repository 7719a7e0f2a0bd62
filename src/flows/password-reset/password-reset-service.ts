import { randomUUID } from 'node:crypto';
import type { AccountStore } from '../../accounts/account-store.ts';
import type { PasswordHasher } from '../../accounts/password-hasher.ts';
import { isResetAllowed } from '../../accounts/reset-eligibility.ts';
import { setPassword } from '../../accounts/set-password.ts';
import { recordAudit } from '../../audit/audit-log.ts';
import { languagePolicy } from '../../directories/directory-texts.ts';
import { canonicalize } from '../../domain/identifier.ts';
import { checkPassword, type PasswordProblem } from '../../domain/password-policy.ts';
import { constantTimeEqual, generateCode, randomToken, sha256 } from '../../domain/secrets.ts';
import { sealCode } from '../../email/sealed-code.ts';
import { LatchkeyError } from '../../http/latchkey-error.ts';
import { offeredLocale } from '../../i18n/i18n.ts';
import type { Links } from '../../http/links.ts';
import type { FlowMetrics } from '../../metrics/metrics.ts';
import type { Account, Directory, Flow, Locale } from '../../storage/schema.ts';
import { initialState, stateFromRow, stateToRow, transition, wrongStep, type CodeRejection, type ResetState } from './password-reset-flow.ts';
import type { PasswordResetStore } from './password-reset-store.ts';
import type { ResetRequestWrite } from './reset-request-statements.ts';
import { codeHmacOf, identifierKeyOf, isThrottled, planSend, recipientOf, sendResetCode, throttleWindowStart } from './send-reset-code.ts';

// Load → transition → save → effects, for each step of the reset. HTTP stays in the routes; which
// step may follow which stays in password-reset-flow.ts.

export const MAX_CODE_ATTEMPTS = 5; // R3
export const ACCOUNT_FAILURE_CAP = 50; // R4: consecutive wrong codes across codes, until a right one
export const FLOW_TTL_SECONDS = 30 * 60;

export interface Requester {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

/** The browser's claim on a flow: the flow id from the URL plus the secret from its cookie (R8). */
export interface FlowHandle {
  readonly directory: Directory;
  readonly flowId: string;
  readonly secret: string | undefined;
}

/** The flow has lapsed; carries what the customer typed so the first page can show it back. */
export class ResetFlowExpired extends LatchkeyError {
  constructor(readonly identifierInput: string) {
    super({ status: 410, code: 'reset_flow_expired' });
  }
}

export interface PasswordResetServiceDeps {
  readonly store: PasswordResetStore;
  readonly accounts: AccountStore;
  readonly hasher: PasswordHasher;
  readonly links: Links;
  readonly key: Buffer;
  readonly settings: { readonly passwordMinLength: number; readonly resetCodeTtlSeconds: number };
  readonly mailQueued: () => void;
  readonly metrics?: FlowMetrics;
}

export type PasswordResetService = ReturnType<typeof createPasswordResetService>;

const isBound = (flow: Flow, secret: string | undefined) => secret !== undefined && constantTimeEqual(sha256(secret), flow.binding_hash);

/** The state as of now: a lapsed flow has moved to `expired`, whatever the row still says. */
export function currentState(flow: Pick<Flow, 'state' | 'data' | 'expires_at'>, now: Date): ResetState {
  const stored = stateFromRow(flow);
  const terminal = stored.name === 'completed' || stored.name === 'expired';
  return !terminal && flow.expires_at.getTime() <= now.getTime() ? transition(stored, { type: 'timed_out' }) : stored;
}

/** Refuses a flow that is missing, another browser's (checked first, so nothing of it leaks), or over. */
export function requireLiveFlow(flow: Flow | undefined, secret: string | undefined, now = new Date()): { flow: Flow; state: ResetState } {
  if (!flow) throw new LatchkeyError({ status: 404, code: 'reset_flow_unknown' });
  if (!isBound(flow, secret)) throw new LatchkeyError({ status: 403, code: 'reset_flow_other_browser' });
  const state = currentState(flow, now);
  if (state.name === 'expired') throw new ResetFlowExpired(flow.identifier_input ?? '');
  if (state.name === 'completed') throw new LatchkeyError({ status: 410, code: 'reset_flow_completed' });
  return { flow, state };
}

/** Whether the directory's "Self service password reset enabled" covers an account: All, or Selected and a member. */
const resetScopeCovers = (directory: Directory, member: boolean): boolean => directory.reset_scope === 'all' || (directory.reset_scope === 'selected' && member);

export function createPasswordResetService(deps: PasswordResetServiceDeps) {
  const { store, key } = deps;
  const sendSettings = { key, codeTtlSeconds: deps.settings.resetCodeTtlSeconds, flowTtlSeconds: FLOW_TTL_SECONDS };

  /** Step 1. Same statements, same response and a flow either way, account or not (R12, R13). */
  async function start(input: { directory: Directory; identifier: string; secret: string | undefined; locale: Locale; runId?: string | undefined } & Requester) {
    const { directory } = input;
    const secret = input.secret ?? randomToken();
    const bindingHash = sha256(secret);
    const canonical = canonicalize(input.identifier);
    const identifierKey = identifierKeyOf(key, canonical);
    // Everything that does not need the database is ready before the identifier's lock is taken.
    const code = generateCode();
    const newFlowId = randomUUID();
    const flowId = await store.inIdentifierLock(directory.id, identifierKey, async (tx) => {
      const now = new Date();
      const { account, liveFlow, sends, member } = await tx.loadRequest({ directory, canonical, bindingHash, identifierKey, now, since: throttleWindowStart(now) });
      const id = liveFlow?.id ?? newFlowId;
      const recipient = recipientOf(account);
      const plan = planSend({ throttled: isThrottled(sends, now), recipient, flowHasCode: liveFlow !== undefined && liveFlow.code_hmac !== null, resetAllowed: resetScopeCovers(directory, member) });
      const state = liveFlow ? transition(currentState(liveFlow, now), { type: 'code_sent' }) : initialState;
      const runId = liveFlow ? liveFlow.run_id : (input.runId ?? null);
      // The account's language when the directory still offers it, else the page's.
      const mailBase = recipient && account ? { to: recipient, locale: offeredLocale(languagePolicy(directory), account.locale, input.locale), runId } : undefined;
      // Outside the groups allowed to reset, the mail says so and where to get help, instead of a code;
      // the page the visitor sees is the same as for everyone (R12).
      const mail: ResetRequestWrite['mail'] = !plan.counted || !mailBase || !account ? undefined
        : plan.outcome === 'not_enabled'
          ? { ...mailBase, template: 'reset_not_enabled' as const, payload: { displayName: account.display_name, supportContact: directory.support_contact ?? '' } }
          : { ...mailBase, template: 'reset_code' as const, payload: { sealedCode: sealCode(key, code), minutes: Math.round(sendSettings.codeTtlSeconds / 60), displayName: account.display_name } };
      await tx.saveRequest({
        directoryId: directory.id,
        flowId: id,
        ...(liveFlow ? {} : { newFlow: { bindingHash, identifierCanonical: canonical, identifierInput: input.identifier, locale: input.locale, runId: input.runId ?? null } }),
        accountId: account?.id ?? null,
        state: stateToRow(state),
        ...(plan.issue ? { code: { codeHmac: codeHmacOf(key, id, code), codeExpiresAt: new Date(now.getTime() + sendSettings.codeTtlSeconds * 1000), flowExpiresAt: new Date(now.getTime() + FLOW_TTL_SECONDS * 1000) } } : {}),
        counted: plan.counted,
        identifierCanonical: canonical,
        identifierKey,
        ...(mail ? { mail } : {}),
        sendOutcome: plan.outcome,
        requester: { ip: input.ip, userAgent: input.userAgent },
        now,
      });
      return id;
    });
    // Nudged whatever happened, so an unknown identifier causes the same wake-up as a real one (R13).
    deps.mailQueued();
    deps.metrics?.flowOutcome({ flow: 'password_reset', outcome: 'requested' });
    return { flowId, secret };
  }

  /** The page to show for a flow, after the checks every step shares. */
  async function view(handle: FlowHandle): Promise<{ flow: Flow; state: ResetState }> {
    return requireLiveFlow(await store.findFlow(handle.directory.id, handle.flowId), handle.secret);
  }

  /** "Send new code": a fresh code to the same identifier, through the same throttle (R2, R5, R7). */
  async function resend(handle: FlowHandle & Requester & { locale: Locale }) {
    const peek = requireLiveFlow(await store.findFlow(handle.directory.id, handle.flowId), handle.secret).flow;
    const canonical = peek.identifier_canonical ?? '';
    const identifierKey = identifierKeyOf(key, canonical);
    await store.inIdentifierLock(handle.directory.id, identifierKey, async (tx, trx) => {
      const { flow, state } = requireLiveFlow(await tx.lockFlow(handle.directory.id, handle.flowId), handle.secret);
      const next = transition(state, { type: 'code_sent' });
      const found = await tx.findAccountByIdentifier(handle.directory, canonical);
      const account = found && found.id === flow.account_id ? found : undefined;
      const resetAllowed = await isResetAllowed(trx, handle.directory, account?.id);
      await sendResetCode({ ...sendSettings, store: tx, trx, directory: handle.directory, flow, account, resetAllowed, identifierKey, locale: handle.locale, ip: handle.ip, userAgent: handle.userAgent });
      await tx.saveState(flow.id, stateToRow(next));
    });
    deps.mailQueued();
  }

  async function judgeCode(tx: PasswordResetStore, flow: Flow, account: Account | undefined, allowed: boolean, code: string): Promise<CodeRejection | undefined> {
    if (flow.code_hmac === null) return flow.code_attempts >= MAX_CODE_ATTEMPTS ? 'exhausted' : 'replaced';
    if (!flow.code_expires_at || flow.code_expires_at.getTime() <= Date.now()) return 'expired';
    const failures = account ? account.reset_code_failures : await tx.identifierFailures(flow.directory_id, flow.identifier_canonical ?? '');
    if (failures >= ACCOUNT_FAILURE_CAP) {
      await tx.killCode(flow.id, MAX_CODE_ATTEMPTS);
      return 'exhausted';
    }
    // Something that is not six digits cannot be the code; it is refused without spending an attempt.
    if (!/^\d{6}$/.test(code)) return 'wrong';
    if (constantTimeEqual(codeHmacOf(key, flow.id, code), flow.code_hmac)) {
      // The right code for an account disabled (or gone, or taken out of the reset groups) since it was
      // sent still opens nothing (R22).
      return account && !account.disabled && account.email_verified && allowed ? undefined : 'wrong';
    }
    const attempts = await tx.recordWrongCode(flow.id, MAX_CODE_ATTEMPTS);
    const total = account ? await tx.recordAccountFailure(account.id, ACCOUNT_FAILURE_CAP) : await tx.identifierFailures(flow.directory_id, flow.identifier_canonical ?? '');
    if (attempts >= MAX_CODE_ATTEMPTS || total >= ACCOUNT_FAILURE_CAP) {
      await tx.killCode(flow.id, MAX_CODE_ATTEMPTS);
      return 'exhausted';
    }
    return 'wrong';
  }

  /** Checks a code with the flow row locked, so parallel submissions of one code succeed once (R6). */
  async function verify(handle: FlowHandle & Requester & { code: string }): Promise<ResetState> {
    const peek = requireLiveFlow(await store.findFlow(handle.directory.id, handle.flowId), handle.secret).flow;
    return store.inTransaction(async (tx, trx) => {
      // Account before flow, the order setPassword locks them in, so the two never deadlock.
      const account = peek.account_id ? await tx.lockAccount(handle.directory.id, peek.account_id) : undefined;
      const { flow, state } = requireLiveFlow(await tx.lockFlow(handle.directory.id, handle.flowId), handle.secret);
      if (state.name !== 'awaiting_code') throw wrongStep();
      const rejection = await judgeCode(tx, flow, account, await isResetAllowed(trx, handle.directory, account?.id), handle.code);
      const audit = { directoryId: handle.directory.id, accountId: flow.account_id, ip: handle.ip, userAgent: handle.userAgent, detail: { flowId: flow.id } };
      if (rejection) {
        const next = transition(state, { type: 'code_rejected', reason: rejection });
        await tx.saveState(flow.id, stateToRow(next));
        await recordAudit(trx, { ...audit, type: 'reset_code_failed', outcome: rejection });
        return next;
      }
      const next = transition(state, { type: 'code_accepted' });
      // Single use: the code is gone the moment it works; the customer now has the flow's lifetime anew.
      await tx.saveState(flow.id, { ...stateToRow(next), clearCode: true, expiresAt: new Date(Date.now() + FLOW_TTL_SECONDS * 1000) });
      if (account) await tx.clearAccountFailures(account.id);
      await recordAudit(trx, { ...audit, type: 'reset_code_verified', outcome: 'success' });
      return next;
    });
  }

  async function proceed(handle: FlowHandle): Promise<void> {
    await store.inTransaction(async (tx) => {
      const { flow, state } = requireLiveFlow(await tx.lockFlow(handle.directory.id, handle.flowId), handle.secret);
      await tx.saveState(flow.id, stateToRow(transition(state, { type: 'continue' })));
    });
  }

  const unavailable = () => new LatchkeyError({ status: 403, code: 'reset_account_unavailable' });

  /** The new password: same policy as sign-up (R21); stored through setPassword (R17, R18, R20). */
  async function choosePassword(handle: FlowHandle & Requester & { password: string; confirmation: string; locale: Locale }): Promise<{ problem?: PasswordProblem }> {
    const { flow: peek, state } = await view(handle);
    if (state.name !== 'choosing_password') throw wrongStep();
    const before = peek.account_id ? await deps.accounts.findById(handle.directory.id, peek.account_id) : undefined;
    if (!before || before.disabled) throw unavailable();
    const identifiers = [before.email, before.username ?? '', before.display_name].filter((s) => s.length > 0);
    const problem = checkPassword(handle.password, handle.confirmation, { minLength: deps.settings.passwordMinLength, identifiers, directoryName: handle.directory.display_name });
    if (problem) return { problem };
    // Hashed before the transaction: no row stays locked through 40 ms of argon2.
    const passwordHash = await deps.hasher.hash(handle.password);
    await store.inTransaction(async (tx, trx) => {
      const account = await tx.lockAccount(handle.directory.id, before.id);
      if (!account || account.disabled) throw unavailable();
      const { flow, state: locked } = requireLiveFlow(await tx.lockFlow(handle.directory.id, handle.flowId), handle.secret);
      const next = transition(locked, { type: 'password_set' });
      await setPassword(trx, {
        account,
        directory: handle.directory,
        passwordHash,
        reason: 'reset',
        locale: handle.locale,
        runId: flow.run_id,
        signInUrl: deps.links.absolute(deps.links.paths.signIn(handle.directory.slug)),
        ip: handle.ip,
        userAgent: handle.userAgent,
      });
      await tx.saveState(flow.id, { ...stateToRow(next), clearCode: true });
    });
    deps.mailQueued();
    deps.metrics?.flowOutcome({ flow: 'password_reset', outcome: 'completed' });
    return {};
  }

  return { start, view, resend, verify, proceed, choosePassword };
}
