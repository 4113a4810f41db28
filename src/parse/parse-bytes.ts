// A profile's bytes as read (the extension's by-bytes path, inline or in the parse worker): gzip
// is inflated here, and its errors are worded for gzip input (ParseOptions.inflated), as the CLI's
// parseFile words the same file, so a file gets the same message whichever way it was read.
import { isGzip, maybeGunzip } from '../model/gunzip';
import { parseProfile, type ParseOptions } from '../model/import';
import type { Profile } from '../model/types';

export function parseProfileBytes(bytes: Uint8Array, options: ParseOptions = {}): Profile {
  if (!isGzip(bytes)) return parseProfile(bytes, options);
  return parseProfile(maybeGunzip(bytes), { ...options, inflated: true });
}
