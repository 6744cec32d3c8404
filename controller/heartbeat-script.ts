/**
 * The RouterOS script that makes a router behind NAT post its heartbeat (RouterOS 6.49 and 7):
 * a /system script that reads identity, uptime, CPU, memory, version, board and the count of
 * /ip hotspot active, builds the JSON controller/heartbeat-body.ts reads and posts it with
 * /tool fetch and `Authorization: Bearer TOKEN`; and a /system scheduler entry that runs it every
 * `everySeconds`. Running it again replaces both (a new token after `sites heartbeat` again).
 *
 * Notes on the syntax, for whoever changes it:
 * - `source={ … }` takes a code block, so the quotes inside need no second level of escaping;
 *   pasted into a terminal, the block continues until its braces close.
 * - Inside a quoted string `\`, `"`, `$` and `?` must be escaped (`?` would open the terminal's help).
 * - `esc` escapes `"` and `\` in the router's own texts so the JSON stays valid whatever the identity.
 * - `:for` counts down when `to` is below `from`, hence the guard for an empty text.
 * - `http-header-field` is a comma-separated list (RouterOS ≥ 6.43); `http-content-type` is not
 *   used (gone in v7). `output=none` keeps no file on the router's flash.
 * - A scheduler entry with `start-time=startup` and an interval does not run at startup, so none
 *   is set: the interval alone starts it.
 * - A failed post is logged on the router (`:do … on-error=`) instead of ending the script with an error.
 */

export const HEARTBEAT_SCRIPT_NAME = 'citywifi-heartbeat';
const POLICY = 'read,write,policy,test';

/** A text inside a RouterOS double-quoted string. */
export function routerOsString(text: string): string {
  return `"${text.replace(/[\\"$?]/g, (c) => `\\${c}`)}"`;
}

/** A RouterOS duration: 30s, 1m, 1m30s, 2h. */
export function routerOsDuration(seconds: number): string {
  let rest = Math.max(1, Math.round(seconds));
  const parts: string[] = [];
  for (const [unit, size] of [['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}

/** How often a router posts: twice per poll interval, so a slot always has one fresh heartbeat even with one lost. */
export function heartbeatEverySeconds(intervalSeconds: number): number {
  return Math.max(5, Math.floor(intervalSeconds / 2));
}

export interface HeartbeatScriptInput {
  siteCode: string;
  url: string;
  token: string;
  everySeconds: number;
}

/** The lines to paste into the router's terminal (or save as a .rsc file and /import). */
export function heartbeatScript(input: HeartbeatScriptInput): string {
  const name = routerOsString(HEARTBEAT_SCRIPT_NAME);
  const headers = routerOsString(`Authorization: Bearer ${input.token},Content-Type: application/json`);
  const json = [
    '("{\\"identity\\":\\"" . $identity',
    ' . "\\",\\"uptime\\":\\"" . $uptime',
    ' . "\\",\\"cpu-load\\":" . $cpu',
    ' . ",\\"free-memory\\":" . $free',
    ' . ",\\"total-memory\\":" . $total',
    ' . ",\\"version\\":\\"" . $version',
    ' . "\\",\\"board-name\\":\\"" . $board',
    ' . "\\",\\"active-users\\":" . $active . "}")',
  ].join('');
  return [
    `# citywifi heartbeat for site ${input.siteCode.replace(/[^A-Za-z0-9._-]/g, '_')}, every ${routerOsDuration(input.everySeconds)}`,
    `/system scheduler remove [find name=${name}]`,
    `/system script remove [find name=${name}]`,
    `/system script add name=${name} policy=${POLICY} source={`,
    ':local esc do={',
    '  :local out ""',
    '  :if ([:len $1] > 0) do={',
    '    :for i from=0 to=([:len $1] - 1) do={',
    '      :local c [:pick $1 $i]',
    '      :if ($c = "\\"" || $c = "\\\\") do={ :set out ($out . "\\\\") }',
    '      :set out ($out . $c)',
    '    }',
    '  }',
    '  :return $out',
    '}',
    ':local identity [$esc [/system identity get name]]',
    ':local uptime [:tostr [/system resource get uptime]]',
    ':local cpu [/system resource get cpu-load]',
    ':local free [/system resource get free-memory]',
    ':local total [/system resource get total-memory]',
    ':local version [$esc [/system resource get version]]',
    ':local board [$esc [/system resource get board-name]]',
    ':local active [/ip hotspot active print count-only]',
    `:local body ${json}`,
    ':do {',
    `  /tool fetch url=${routerOsString(input.url)} http-method=post http-header-field=${headers} http-data=$body output=none`,
    `} on-error={ :log warning ${routerOsString(`citywifi-heartbeat: could not post to ${input.url}`)} }`,
    '}',
    `/system scheduler add name=${name} interval=${routerOsDuration(input.everySeconds)} on-event=${name} policy=${POLICY}`,
    '',
  ].join('\n');
}
