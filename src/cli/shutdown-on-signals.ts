import type { Logger } from 'pino';

// SIGTERM (an orchestrator stopping the instance) and SIGINT (Ctrl-C) start a graceful stop; the process
// exits 0 once it is done, so a rolling deploy sees a clean exit. A repeated signal is ignored rather
// than taken as "hurry": under `npm start` or a process-group kill the same signal arrives twice, once
// directly and once relayed by the wrapper. `hardDeadlineMs` bounds the whole stop instead.

export function shutdownOnSignals(logger: Logger, stop: () => Promise<void>, hardDeadlineMs: number): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections; finishing requests in flight');
    setTimeout(() => {
      logger.error('shutdown did not finish in time: exiting');
      process.exit(1);
    }, hardDeadlineMs).unref();
    stop().then(
      () => {
        logger.info('shut down cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
