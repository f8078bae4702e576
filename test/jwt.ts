/** Builds an unsigned JWT for tests: the client never checks signatures. */
export const b64url = (value: string) => Buffer.from(value).toString('base64url');
export const jwt = (claims: unknown) => `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url(JSON.stringify(claims))}.sig`;
/** Seconds since the epoch, from the (possibly faked) clock. */
export const nowSec = () => Math.floor(Date.now() / 1000);
