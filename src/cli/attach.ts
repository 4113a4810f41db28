// Placeholder until the attach command lands (owned by the attach helper, who replaces this file).
export async function attachCommand(_argv: string[]): Promise<number> {
  process.stderr.write('flamelens attach: not implemented yet\n');
  return 2;
}
