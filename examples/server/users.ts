import { createHash, timingSafeEqual } from 'node:crypto';
import type { Role } from './permissions';

export { PERMISSIONS, allows, type Permission, type Role } from './permissions';

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

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The user for these credentials, or `undefined`. Passwords are compared in constant time (on their
 * hashes, so lengths do not leak either); a real server would store a slow hash (argon2, scrypt).
 */
export function authenticate(username: unknown, password: unknown, users: Readonly<Record<string, DemoUser>> = USERS): (DemoUser & { username: string }) | undefined {
  if (typeof username !== 'string' || typeof password !== 'string' || !Object.hasOwn(users, username)) return undefined;
  const user = users[username]!;
  return timingSafeEqual(digest(password), digest(user.password)) ? { ...user, username } : undefined;
}
