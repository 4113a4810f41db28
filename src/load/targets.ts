// Which URLs a load run may target. Load is a denial of service to whoever receives it, so the
// default is this machine only; another host must be asked for (--allow-remote).
import { isIP } from 'node:net';
import { UsageError } from '../cli/args';

export function parseTargetUrl(text: string, option: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${option}: "${text}" is not a URL (example: http://127.0.0.1:3000/api)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${option}: "${text}" is not an http:// or https:// URL`);
  return url;
}

/** localhost, 127.0.0.0/8, ::1 and 127.0.0.0/8 mapped into IPv6 (the URL parser writes ::ffff:127.0.0.1 as ::ffff:7f00:1). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || /^::ffff:(?:127\.|7f[0-9a-f]{2}:)/.test(host);
  return false;
}

/** Refuses a non-loopback URL unless remote targets were allowed. */
export function checkTargets(urls: readonly URL[], allowRemote: boolean, option: string): void {
  if (allowRemote) return;
  for (const u of urls) {
    if (!isLoopbackHost(u.hostname)) {
      throw new UsageError(
        `${option} ${u.href}: ${u.hostname} is not this machine. A load run floods its target with requests, so only loopback ` +
          `(127.0.0.1, ::1, localhost) is targeted unless you add --allow-remote (for a host you are allowed to load)`,
      );
    }
  }
}

/**
 * A target URL as reports show it: credentials in it (http://user:password@host/) become `***`, as
 * header values are never shown; the requests still use the URL as given.
 */
export function shownUrl(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.username = '***';
  copy.password = '';
  return copy.href;
}
