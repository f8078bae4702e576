import type { Context } from 'hono';

/**
 * The refresh cookie's name. `__Host-`: the browser keeps it only if it is `Secure`, has `Path=/` and
 * no `Domain`, so a page on a sibling subdomain cannot set one for this host, and none with a
 * narrower path can shadow it.
 */
export const REFRESH_COOKIE = '__Host-sw_refresh';
/**
 * The local-development fallback (`devCookie`), for a browser that refuses a `Secure` cookie on
 * http://localhost (Safari; WebKitGTK): no prefix, not `Secure`. Never in production.
 */
export const DEV_REFRESH_COOKIE = 'sw_refresh';

/** What a request's `Cookie` header says about the refresh cookie. */
export type RefreshCookieValue =
  | { status: 'none' }
  | { status: 'one'; value: string }
  /** Two or more cookies of that name: one was tossed in beside the real one (see {@link refreshCookie}). */
  | { status: 'several' };

/** The refresh cookie, as returned by {@link refreshCookie}. */
export interface RefreshCookie {
  readonly name: string;
  /** Every cookie of that name the request carries, decoded. */
  read(c: Context): RefreshCookieValue;
  /** Sets it; `maxAge` (seconds) for a persistent cookie, else a session cookie. */
  set(c: Context, value: string, maxAge?: number): void;
  /** Clears it, and every copy a page could have planted beside it (partitioned, or at a narrower path). */
  clear(c: Context): void;
}

/**
 * The refresh cookie: opaque, HttpOnly, SameSite=Strict, `Path=/`, `__Host-` and `Secure` (browsers
 * keep a `Secure` cookie on http://localhost and http://127.0.0.1 too, except Safari and WebKitGTK:
 * for those, `dev` names it `sw_refresh` without `Secure`).
 *
 * Cookies ignore ports, and a page can add a cookie of the same name that the browser then sends
 * beside the real one (a `Partitioned` copy; in a browser that ignores prefixes, one with a narrower
 * `Path` or a `Domain`). Which one a framework's `getCookie` returns is an accident of order, so a
 * request that carries two is refused by the caller, and `clear()` removes both.
 */
export function refreshCookie(dev: boolean): RefreshCookie {
  const name = dev ? DEV_REFRESH_COOKIE : REFRESH_COOKIE;
  const attributes = `; Path=/; HttpOnly; SameSite=Strict${dev ? '' : '; Secure'}`;
  const setCookie = (c: Context, header: string) => c.header('Set-Cookie', header, { append: true });
  return {
    name,
    read(c) {
      const values: string[] = [];
      for (const pair of (c.req.header('cookie') ?? '').split(';')) {
        const at = pair.indexOf('=');
        if (at < 0 || pair.slice(0, at).trim() !== name) continue;
        values.push(decode(pair.slice(at + 1).trim()));
      }
      if (values.length > 1) return { status: 'several' };
      return values[0] ? { status: 'one', value: values[0] } : { status: 'none' };
    },
    set(c, value, maxAge) {
      setCookie(c, `${name}=${encodeURIComponent(value)}${maxAge === undefined ? '' : `; Max-Age=${maxAge}`}${attributes}`);
    },
    clear(c) {
      const gone = `${name}=; Max-Age=0`;
      setCookie(c, `${gone}${attributes}`);
      if (!dev) return setCookie(c, `${gone}${attributes}; Partitioned`); // a partitioned copy is its own cookie
      // Unprefixed, a copy may sit at any path on the way to this request's (the old `Path=/api` one too).
      const segments = new URL(c.req.url).pathname.split('/').filter(Boolean);
      for (let i = 1; i <= segments.length; i++) setCookie(c, `${gone}${attributes.replace('Path=/', `Path=/${segments.slice(0, i).join('/')}`)}`);
    },
  };
}

const decode = (value: string) => {
  const unquoted = value.startsWith('"') && value.endsWith('"') && value.length > 1 ? value.slice(1, -1) : value;
  try {
    return decodeURIComponent(unquoted);
  } catch {
    return unquoted;
  }
};
