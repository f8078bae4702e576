/** Role → permissions. The client gets the same map for its UI gating; this server enforces it. */
export const PERMISSIONS = {
  admin: ['posts:read', 'posts:edit', 'posts:delete', 'users:read', 'users:revoke'],
  editor: ['posts:read', 'posts:edit'],
  viewer: ['posts:read'],
} as const satisfies Record<string, readonly string[]>;

export type Role = keyof typeof PERMISSIONS;
export type Permission = (typeof PERMISSIONS)[Role][number];

/** The three demo users; every password is `demo`. */
export const USERS: Record<string, { password: string; roles: Role[]; name: string }> = {
  admin: { password: 'demo', roles: ['admin'], name: 'Ada Admin' },
  editor: { password: 'demo', roles: ['editor'], name: 'Ed Editor' },
  viewer: { password: 'demo', roles: ['viewer'], name: 'Vi Viewer' },
};

export const allows = (roles: readonly string[], permission: Permission): boolean =>
  roles.some((role) => (PERMISSIONS[role as Role] as readonly string[] | undefined)?.includes(permission));
