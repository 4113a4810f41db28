// The one time stamp in FlameLens's file and folder names (CLI and VS Code): local time, to the
// second, sortable — "20261124-043012".

export function timeStamp(date = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}
