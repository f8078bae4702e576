export const MIN = 60_000;
export const permissions = { admin: ['users:delete'], editor: ['posts:edit'] };
/** One tab, no activity source unless a test adds one: time alone moves the session. */
export const options = { idleTimeout: 30 * MIN, warnBefore: 2 * MIN, crossTab: false, activity: [], permissions } as const;
