// Where the CLI writes: results to stdout, progress and warnings to stderr.
export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function info(text: string): void {
  process.stderr.write(`flamelens: ${text}\n`);
}

export function warn(text: string): void {
  process.stderr.write(`flamelens: warning: ${text}\n`);
}
