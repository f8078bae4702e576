import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/** What the Node adapter (`@hono/node-server`) puts in `c.env`: the raw request, for its socket. */
export interface NodeBindings {
  incoming?: Pick<IncomingMessage, 'socket'>;
}

/**
 * How a request reached the app, read once and trusted only as far as configured.
 *
 * `X-Forwarded-For` and `X-Forwarded-Proto` are headers anyone can send. They are read only with
 * `proxies > 0` (the app sits behind that many proxies of its own, each appending the address it saw,
 * the outermost setting the scheme); the client address is then the entry `proxies` from the right,
 * which the client cannot forge (likewise for the scheme, so a proxy may append or overwrite it). Without proxies, the address is the socket's and the scheme the URL's.
 */
export function requestInfo(c: Context, proxies: number): { address: string; protocol: 'http:' | 'https:'; origin: string } {
  const url = new URL(c.req.url);
  let address = (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress ?? 'unknown';
  let protocol: 'http:' | 'https:' = url.protocol === 'https:' ? 'https:' : 'http:';
  if (proxies > 0) {
    address = forwarded(c.req.header('x-forwarded-for'), proxies) ?? address;
    const proto = forwarded(c.req.header('x-forwarded-proto'), proxies)?.toLowerCase();
    if (proto === 'https' || proto === 'http') protocol = `${proto}:`;
  }
  return { address, protocol, origin: `${protocol}//${url.host}` };
}

/** The entry a forwarded header got from our outermost proxy: `proxies` from the right (what a client sent is further left). */
const forwarded = (header: string | undefined, proxies: number): string | undefined => {
  const entries = (header ?? '').split(',').map((part) => part.trim()).filter(Boolean);
  return entries[entries.length - proxies];
};

/**
 * CSRF protection for what a cookie authenticates (login sets it, refresh/logout/close use it):
 * the request must come from the app's own pages. Browsers send `Origin` with every POST and
 * `Sec-Fetch-Site` with every request (neither can be set by a page), so a request is refused when
 * `Sec-Fetch-Site` is present and not `same-origin` (another site, or another port or subdomain of
 * this one: `same-site` is not enough), or when `Origin` is missing or not one of `allowed`.
 */
export function sameOriginOnly(allowed: (c: Context) => readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    const site = c.req.header('sec-fetch-site');
    const origin = c.req.header('origin');
    if ((site !== undefined && site !== 'same-origin') || origin === undefined || !allowed(c).includes(origin)) {
      return c.json({ error: 'cross-origin request refused' }, 403);
    }
    await next();
  };
}

/**
 * The same rule for a `GET` that a cookie authenticates and that does something (the event stream
 * holds a connection, and may push out an older one of the session): browsers leave `Origin` out of
 * same-origin GETs, so it is checked only when sent; `Sec-Fetch-Site`, when sent, must be `same-origin`.
 */
export function sameOriginGet(allowed: (c: Context) => readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    const site = c.req.header('sec-fetch-site');
    const origin = c.req.header('origin');
    if ((site !== undefined && site !== 'same-origin') || (origin !== undefined && !allowed(c).includes(origin))) {
      return c.json({ error: 'cross-origin request refused' }, 403);
    }
    await next();
  };
}

/** Whether the request's body is `type` (the media type alone, parameters such as charset ignored). */
export const hasType = (c: Context, ...types: (string | undefined)[]): boolean => {
  const header = c.req.header('content-type');
  const type = header?.split(';')[0]?.trim().toLowerCase() || undefined;
  return types.includes(type);
};

/**
 * Security headers on every answer. The policy allows scripts, styles, images and requests from the
 * app's own origin only, no plugins, no `<base>`, forms posting only here, and no framing at all
 * (`frame-ancestors 'none'`, with `X-Frame-Options: DENY` for old browsers): a framed app could be
 * clicked through by another site. `style-src` also allows inline styles because
 * `<session-warning-dialog>` puts its styles in a `<style>` element of its shadow root; scripts stay
 * `'self'` only. HSTS is sent only on answers over https (`https` says which), where it means something.
 */
export function securityHeaders(https: (c: Context) => boolean): MiddlewareHandler {
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'same-origin',
    strictTransportSecurity: false,
    permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
  });
  return async (c, next) => {
    await headers(c, next);
    if (https(c)) c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  };
}
