// One guard for every cookie-authenticated, state-changing form POST (the ad-measurement answer, the subscribe form,
// dashboard sign-in / sign-out and its connect confirmation, ops sign-in): the browser must say the form was posted
// from a page of PUBLIC_URL. Browsers send `Origin` on every POST, but as `null` from a page whose Referrer-Policy is
// no-referrer (the smart link's), and modern ones send `Sec-Fetch-Site`, which no page script can set. So: an
// `Origin` that names a site must be PUBLIC_URL's origin; `Origin: null` or none passes only with `Sec-Fetch-Site:
// same-origin`; with neither it is refused (no browser form lacks both, and a non-browser has no cookie to abuse).
import { type Request, type RequestHandler } from 'express';
import { ApiError } from '../errors';

export function isSameOriginForm(req: Request, publicUrl: string): boolean {
  const origin = req.get('origin');
  if (origin !== undefined && origin !== 'null') return origin === new URL(publicUrl).origin;
  return req.get('sec-fetch-site') === 'same-origin';
}

/** Refuses a cross-site (or origin-less) form post with 403 `cross_site_request`, before its body is read. */
export function requireSameOrigin(publicUrl: string): RequestHandler {
  return (req, _res, next) => {
    if (!isSameOriginForm(req, publicUrl))
      throw new ApiError(
        403,
        'cross_site_request',
        `this form can only be sent from a page of ${new URL(publicUrl).origin}; nothing was changed`,
      );
    next();
  };
}
