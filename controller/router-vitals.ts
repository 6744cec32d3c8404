/**
 * What a router says about itself at one reading, whether the controller polled it
 * (poll-site.ts) or the router posted a heartbeat (heartbeat-body.ts, heartbeat-reading.ts).
 */
export interface RouterVitals {
  uptimeSeconds: number;
  cpuLoad: number;
  freeMemory: number;
  totalMemory: number;
  version: string;
  board: string;
  activeUsers: number;
}
