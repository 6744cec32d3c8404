/**
 * The dashboard's three roles and what each may do (DESIGN.md "Citizens' data"):
 * - admin: everything, including accounts, API tokens and the audit log;
 * - engineer: operations and site management, and the figures;
 * - reporter: the figures and exports only, with MAC addresses and phone numbers masked.
 * An account or API token holds one or more roles; it may do what any of them allows.
 */
import { maskMac } from './mac.js';
import { maskPhone } from './phone.js';

export const ADMIN_ROLES = ['admin', 'engineer', 'reporter'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export const PERMISSIONS = ['view-figures', 'export', 'operate', 'manage-sites', 'see-identities', 'administer'] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<AdminRole, readonly Permission[]> = {
  admin: PERMISSIONS,
  engineer: ['view-figures', 'export', 'operate', 'manage-sites', 'see-identities'],
  reporter: ['view-figures', 'export'],
};

export function isAdminRole(value: unknown): value is AdminRole {
  return typeof value === 'string' && (ADMIN_ROLES as readonly string[]).includes(value);
}

export function can(roles: readonly string[], permission: Permission): boolean {
  return roles.some((role) => isAdminRole(role) && GRANTS[role].includes(permission));
}

/**
 * A role list from "admin,engineer": each name trimmed and lower-cased, duplicates dropped, in the
 * canonical order. An unknown or missing name is a problem, said in one line.
 */
export function parseRoles(text: string): { ok: true; value: AdminRole[] } | { ok: false; reason: string } {
  const names = text
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '');
  if (names.length === 0) return { ok: false, reason: `give at least one role: ${ADMIN_ROLES.join(', ')}` };
  const unknown = names.filter((n) => !isAdminRole(n));
  if (unknown.length > 0) return { ok: false, reason: `unknown role "${unknown[0]}"; the roles are ${ADMIN_ROLES.join(', ')}` };
  return { ok: true, value: ADMIN_ROLES.filter((r) => names.includes(r)) };
}

/** A MAC address as this viewer may see it: in full for admins and engineers, masked for reporters. */
export function macFor(roles: readonly string[], mac: string): string {
  return can(roles, 'see-identities') ? mac : maskMac(mac);
}

/** A phone number (E.164) as this viewer may see it: in full for admins and engineers, masked for reporters. */
export function phoneFor(roles: readonly string[], e164: string): string {
  return can(roles, 'see-identities') ? e164 : maskPhone(e164);
}
