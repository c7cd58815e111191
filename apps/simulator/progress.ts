/**
 * A one-line progress bar on a terminal (redrawn in place), or a plain line
 * every few seconds when the output is a file or a CI log.
 */

export interface ProgressBar {
  /** Redraws with `done` of `total` and a short status text. */
  update(done: number, total: number, text?: string): void;
  /** Draws the final state and ends the line. */
  finish(text?: string): void;
}

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr, width = 30): ProgressBar {
  const tty = stream.isTTY === true;
  let lastPlain = 0;
  let last = { done: 0, total: 1, text: '' };
  const render = () => {
    const fraction = last.total > 0 ? Math.min(1, last.done / last.total) : 1;
    const filled = Math.round(fraction * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    return `${label} ${bar} ${String(Math.round(fraction * 100)).padStart(3)}% ${last.done}/${last.total}${last.text ? `  ${last.text}` : ''}`;
  };
  return {
    update(done, total, text = '') {
      last = { done, total, text };
      if (tty) {
        stream.write(`\r\x1b[2K${render()}`);
      } else if (Date.now() - lastPlain > 5_000) {
        lastPlain = Date.now();
        stream.write(`${render()}\n`);
      }
    },
    finish(text) {
      if (text !== undefined) last = { ...last, text };
      stream.write(tty ? `\r\x1b[2K${render()}\n` : `${render()}\n`);
    },
  };
}
