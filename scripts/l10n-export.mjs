// `npm run l10n:export`: writes l10n/bundle.l10n.json, the English bundle of every `l10n.t('…')` message in
// the extension (src/, through `vscode.l10n.t`) and the webviews (webview/, through `@vscode/l10n`): the file
// translators copy to bundle.l10n.<lang>.json. Each message must be a string literal — values go in as {0}
// arguments — so the template never comes from a profile; a call with anything else is an error.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const bundlePath = path.join(root, 'l10n', 'bundle.l10n.json');

const call = /\bl10n\.t\(\s*/g;
const literal = /^(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)")\s*[,)]/;

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

/** JS string-literal escapes in a quoted message (the ones these sources use). */
function unescape(body) {
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|.)/g, (_, e) => {
    if (e[0] === 'u') return String.fromCodePoint(parseInt(e.replace(/[u{}]/g, ''), 16));
    return { n: '\n', t: '\t', r: '\r' }[e] ?? e;
  });
}

/** Every message of every `l10n.t(...)` call under src/ and webview/, and the calls that are not literals. */
export function collectMessages() {
  const messages = new Set();
  const problems = [];
  for (const file of [...sources(path.join(root, 'src')), ...sources(path.join(root, 'webview'))]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(call)) {
      const rest = text.slice(m.index + m[0].length);
      const lit = literal.exec(rest);
      if (lit) messages.add(unescape(lit[1] ?? lit[2]));
      else problems.push(`${path.relative(root, file)}:${text.slice(0, m.index).split('\n').length}: l10n.t's message is not a string literal`);
    }
  }
  return { messages: [...messages].sort(), problems };
}

/** The bundle's JSON text: message → itself (English), sorted so diffs stay small. */
export function bundleText(messages) {
  return JSON.stringify(Object.fromEntries(messages.map((m) => [m, m])), null, 2) + '\n';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { messages, problems } = collectMessages();
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  writeFileSync(bundlePath, bundleText(messages));
  console.log(`${path.relative(root, bundlePath)}: ${messages.length} messages`);
}
