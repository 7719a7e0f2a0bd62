import { pino } from 'pino';
import { runCli } from './cli/cli.ts';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
runCli(process.argv.slice(2), logger).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    logger.fatal(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
