/** Whether any of `roles` grants `permission` in the role → permissions map. */
export const grants = (roles: readonly string[], permissions: Record<string, readonly string[]>, permission: string): boolean =>
  roles.some((role) => Object.prototype.hasOwnProperty.call(permissions, role) && permissions[role]!.includes(permission));
