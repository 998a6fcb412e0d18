import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, errorCodes } from '../shared/error-codes.ts';

/**
 * A link a person opens in a browser (an export's download link from an email, a signed file link) answers
 * its refusals as a short page in words rather than the API's JSON error; a script (curl, an SDK: no
 * text/html in Accept) still gets the JSON, with the same status and code. See docs/console.md.
 */
export function wantsPage(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const headings: Record<number, string> = {
  403: 'This link does not work',
  404: 'Nothing to download here',
  410: 'This download is no longer available',
};

export function sendLinkErrorPage(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  const status = errorCodes[code].status;
  const heading = headings[status] ?? 'This link does not work';
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${heading} · Roster</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1f2933}code{color:#52606d}</style></head>
<body><main><h1>${heading}</h1><p>${escapeHtml(message.replace(/\.?$/, "."))}</p>
<p>Download links are signed and expire. Open <a href="/exports">Export in the Roster console</a> to download or request the file again.</p>
<p><small>Error code: <code>${escapeHtml(code)}</code></small></p></main></body></html>`;
  return (
    reply
      .code(status)
      .header('cache-control', 'private, no-store')
      // No script at all; the page's own few style rules only.
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
      .type('text/html; charset=utf-8')
      .send(page)
  );
}
