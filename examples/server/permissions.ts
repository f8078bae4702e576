/**
 * Role → permissions, in one place, with no server code: the demo app imports this same map and
 * passes it to the client (`permissions` option) so that `session.can()` hides what the role may
 * not do; that is UI only. The server enforces the map on every route.
 */
export const PERMISSIONS = {
  admin: ['users:read', 'users:revoke', 'posts:read', 'posts:edit', 'posts:delete'],
  editor: ['posts:read', 'posts:edit'],
  viewer: ['posts:read'],
} as const satisfies Record<string, readonly string[]>;

/** A role of the demo. */
export type Role = keyof typeof PERMISSIONS;
/** A permission that some route requires. */
export type Permission = (typeof PERMISSIONS)[Role][number];

/** Whether any of `roles` grants `permission`. Unknown roles grant nothing. */
export const allows = (roles: readonly string[], permission: Permission): boolean =>
  roles.some((role) => Object.hasOwn(PERMISSIONS, role) && (PERMISSIONS[role as Role] as readonly string[]).includes(permission));
