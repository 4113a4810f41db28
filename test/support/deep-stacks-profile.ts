// A crafted .cpuprofile whose stack is one chain `depth` frames deep (as a runaway recursion
// leaves behind), for the deep-stack tests of the model, payload, CLI and webview.

/** JSON text of a DevTools .cpuprofile: (root) → deep0 → deep1 → … → deep{depth-1}, sampled at the leaf and half-way. */
export function deepChainProfileJson(depth: number): string {
  const parts: string[] = [];
  const frame = (name: string, line: number) =>
    `"callFrame":{"functionName":"${name}","scriptId":"1","url":"file:///app/deep.js","lineNumber":${line},"columnNumber":2}`;
  parts.push(`{"id":1,"callFrame":{"functionName":"(root)","scriptId":"0","url":"","lineNumber":-1,"columnNumber":-1},"hitCount":0,"children":[2]}`);
  for (let i = 0; i < depth; i++) {
    const id = i + 2;
    const children = i + 1 < depth ? `[${id + 1}]` : '[]';
    // Function names repeat every 100 levels, like a recursion through a few functions.
    parts.push(`{"id":${id},${frame(`deep${i % 100}`, i % 100)},"hitCount":0,"children":${children}}`);
  }
  const leaf = depth + 1;
  const middle = Math.floor(depth / 2) + 2;
  const samples: number[] = [];
  for (let s = 0; s < 30; s++) samples.push(s % 3 === 0 ? middle : leaf);
  const deltas = samples.map(() => 1000);
  return `{"nodes":[${parts.join(',')}],"startTime":0,"endTime":${samples.length * 1000},"samples":[${samples.join(',')}],"timeDeltas":[${deltas.join(',')}]}`;
}
