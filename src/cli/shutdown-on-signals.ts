import type { Logger } from 'pino';

// SIGTERM (an orchestrator stopping the instance) and SIGINT (Ctrl-C) start a graceful stop; the process
// exits 0 once it is done, so a rolling deploy sees a clean exit. A second signal while stopping means
// the operator will not wait: exit at once, with a failure status.

export function shutdownOnSignals(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal while shutting down: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections; finishing requests in flight');
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
