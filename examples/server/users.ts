import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Role → permissions, in one place. The demo app imports this same map and passes it to the client
 * (`permissions` option) so that `session.can()` hides what the role may not do; that is UI only.
 * This server enforces the map on every route.
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

/** The one password of every demo user (printed by the start script: this is a demo). */
export const DEMO_PASSWORD = 'demo';

/** A demo account. */
export interface DemoUser {
  readonly name: string;
  readonly roles: readonly Role[];
  readonly password: string;
}

/** The three demo users, keyed by username. */
export const USERS: Readonly<Record<string, DemoUser>> = {
  admin: { name: 'Ada Admin', roles: ['admin'], password: DEMO_PASSWORD },
  editor: { name: 'Ed Editor', roles: ['editor'], password: DEMO_PASSWORD },
  viewer: { name: 'Vi Viewer', roles: ['viewer'], password: DEMO_PASSWORD },
};

/** Whether any of `roles` grants `permission`. Unknown roles grant nothing. */
export const allows = (roles: readonly string[], permission: Permission): boolean =>
  roles.some((role) => Object.hasOwn(PERMISSIONS, role) && (PERMISSIONS[role as Role] as readonly string[]).includes(permission));

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The user for these credentials, or `undefined`. Passwords are compared in constant time (on their
 * hashes, so lengths do not leak either); a real server would store a slow hash (argon2, scrypt).
 */
export function authenticate(username: unknown, password: unknown): (DemoUser & { username: string }) | undefined {
  if (typeof username !== 'string' || typeof password !== 'string' || !Object.hasOwn(USERS, username)) return undefined;
  const user = USERS[username]!;
  return timingSafeEqual(digest(password), digest(user.password)) ? { ...user, username } : undefined;
}
