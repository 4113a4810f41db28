// A small CPU-bound program for FlameLens's integration tests. Three distinct hot functions so a flame
// graph of it has recognisable frames; runs about half a second.
'use strict';

function fibonacci(n) {
  return n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2);
}

function sortWords(count) {
  const words = [];
  for (let i = 0; i < count; i++) words.push(((i * 7919) % 100003).toString(36));
  return words.sort().length;
}

function hashText(rounds) {
  let h = 2166136261;
  for (let i = 0; i < rounds; i++) {
    h ^= i & 0xff;
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}

function main() {
  const started = Date.now();
  let result = 0;
  while (Date.now() - started < 500) {
    result += fibonacci(22);
    result += sortWords(20000);
    result += hashText(200000);
  }
  console.log(`busy.js done: ${result}`);
}

main();
