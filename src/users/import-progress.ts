import type { ImportProgress } from './user-importer.ts';

// Progress of a long import on stderr: a bar redrawn in place on a terminal, plain lines every few seconds
// otherwise (a log file or CI), so neither floods. The fraction is bytes read of the file's size.

export interface ProgressReporter {
  update(progress: ImportProgress): void;
  finish(progress: ImportProgress): void;
}

const BAR_WIDTH = 30;
const TTY_INTERVAL_MS = 100;
const PLAIN_INTERVAL_MS = 5000;

export function createProgressReporter(output: NodeJS.WriteStream, totalBytes: number, bytesRead: () => number): ProgressReporter {
  const started = Date.now();
  const tty = output.isTTY === true;
  // Plain lines start after the first interval: a short import prints only its final line.
  let last = tty ? 0 : started;

  function describe(progress: ImportProgress): { fraction: number; text: string } {
    const fraction = totalBytes > 0 ? Math.min(1, bytesRead() / totalBytes) : 1;
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    const rate = Math.round(progress.read / seconds);
    const text = `${Math.floor(fraction * 100)}% ${progress.read} read, ${progress.imported} imported, ${progress.rejected} rejected, ${rate} rows/s`;
    return { fraction, text };
  }

  function draw(progress: ImportProgress, final: boolean): void {
    const { fraction, text } = describe(progress);
    if (tty) {
      const filled = Math.round(fraction * BAR_WIDTH);
      output.write(`\r[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${text}\x1b[K${final ? '\n' : ''}`);
    } else {
      output.write(`progress: ${text}\n`);
    }
  }

  return {
    update(progress) {
      const now = Date.now();
      if (now - last < (tty ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS)) return;
      last = now;
      draw(progress, false);
    },
    finish: (progress) => draw(progress, true),
  };
}
