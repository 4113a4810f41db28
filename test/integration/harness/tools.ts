// Where scripts/setup-code-server.sh put Node 24, code-server and Chromium.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ToolPaths {
  /** Node 24 binary that runs code-server. */
  node: string;
  /** code-server's out/node/entry.js. */
  codeServer: string;
  codeServerVersion: string;
  chromium: string;
}

export function toolsDir(): string {
  return process.env.FLAMELENS_TOOLS ?? path.join(os.homedir(), '.cache', 'flamelens-tools');
}

export function readToolPaths(): ToolPaths {
  const file = path.join(toolsDir(), 'code-server.json');
  if (!existsSync(file)) throw new Error(`${file} is missing: run scripts/setup-code-server.sh first`);
  const tools = JSON.parse(readFileSync(file, 'utf8')) as ToolPaths;
  for (const p of [tools.node, tools.codeServer, tools.chromium]) {
    if (!existsSync(p)) throw new Error(`${p} (listed in ${file}) is missing: run scripts/setup-code-server.sh again`);
  }
  return tools;
}
