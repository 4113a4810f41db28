// The words of the workspace-trust refusal (commands/trust.ts), apart from vscode so unit tests can read them.

export const untrustedMessage = 'FlameLens runs programs only in a trusted workspace';
export const manageTrustLabel = 'Manage Workspace Trust';

/** The error shown when `action` is refused in an untrusted workspace. */
export function untrustedText(action: string): string {
  return `${untrustedMessage}. "${action}" is not available in Restricted Mode.`;
}
