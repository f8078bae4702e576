import type { JwtClaims } from '../types';
import { need } from '../errors';

/** Whether any of `roles` grants `permission` in the role → permissions map. */
export const grants = (roles: readonly string[], permissions: Record<string, readonly string[]>, permission: string): boolean =>
  roles.some((role) => Object.hasOwn(permissions, role) && permissions[role]!.includes(permission));

/**
 * The roles that the `roles` option reads from `claims` (`null`/`undefined`: none).
 * @throws `TypeError` when the answer is not an array of strings.
 */
export function readRoles(reader: (claims: JwtClaims) => readonly string[] | null | undefined, claims: JwtClaims): string[] {
  const roles: unknown = reader(claims) ?? [];
  // In production too: the roles gate the UI.
  need(Array.isArray(roles) && roles.every((role) => typeof role == 'string'), __DEV__ ? 'option `roles` must return strings' : 33);
  return roles as string[];
}

/** The default role reader: `claims.roles ?? claims.role ?? []`, a string becoming `[string]`. */
export const defaultRoles = (claims: JwtClaims): string[] =>
  [claims.roles ?? claims.role ?? []].flat().filter((role): role is string => typeof role === 'string');
