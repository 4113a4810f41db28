// A two-file TypeScript program (main.ts drives a hot loop in work.ts) that the source-map tests
// bundle with esbuild and profile: frames must land on these lines.
export const workSource = `// Work helpers.
export function crunchNumbers(size: number): number {
  let s = 0;
  for (let i = 0; i < size; i++) {
    s += Math.sqrt(i) * Math.cos(i); // CRUNCH
  }
  return s;
}
`;
export const mainSource = `import { crunchNumbers } from './work';

interface Totals { value: number }

function driveLoop(totals: Totals): void {
  const end = Date.now() + 400;
  while (Date.now() < end) totals.value += crunchNumbers(20000);
}

const totals: Totals = { value: 0 };
driveLoop(totals);
if (totals.value === 42) console.log('never');
`;
