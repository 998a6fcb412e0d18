/** Text for an HTML page or mail body: the five characters that could end a text node or attribute, escaped. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!);

/**
 * A standalone printable page's own Content-Security-Policy: its one inline <style> and nothing else
 * (the console's policy allows only its own files: src/http/security-headers.ts).
 */
export const printablePagePolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
