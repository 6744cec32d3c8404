/** The strict security headers (helmet, CSP) the portal shares with the dashboard: core/web/security-headers.ts. */
export { securityHeaderEntries, securityHeaders } from '../core/web/security-headers.js';
