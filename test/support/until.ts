/**
 * Polls `check` every `intervalMs` until it holds, and resolves with the milliseconds that took; past
 * `timeoutMs` it fails, naming `what` was awaited. For what settles on its own time: a child process's
 * log, a lease taken by another instance, a notice heard over a connection.
 */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000, intervalMs = 50): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return Date.now() - started;
}
