/** The one way the console talks to Roster: same-origin fetch with the session cookie, errors as ApiError. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | boolean | readonly string[] | undefined | null>;

/** Repeated values become repeated parameters (`status=ACTIVE&status=FLAGGED`), as the API expects. */
export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

let onSignedOut: () => void = () => {};

/** The session provider registers how to react when the server says the session is gone. */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

async function errorFrom(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's page, a dropped connection): describe the status instead.
  }
  const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  if (error?.message) return new ApiError(response.status, error.code ?? 'error', error.message, error.details);
  return new ApiError(response.status, 'http_error', `Roster answered ${response.status} ${response.statusText || ''}`.trim());
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(`/api/console${path}${queryString(options.query)}`, {
      method: options.method ?? 'GET',
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (cause) {
    if ((cause as Error).name === 'AbortError') throw cause;
    throw new ApiError(0, 'network_error', 'Roster could not be reached. Check your connection and try again.');
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    if (response.status === 401 && path !== '/session') onSignedOut();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Links the browser follows itself (downloads), relative to the console API. */
export function apiUrl(path: string, query?: Query): string {
  return `/api/console${path}${queryString(query)}`;
}

/** Bytes of the request body sent so far (the multipart body: the file plus a few hundred bytes). */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * Uploads with XMLHttpRequest because fetch cannot report upload progress, and an import file
 * may be hundreds of megabytes.
 */
export function upload<T>(path: string, form: FormData, onProgress: (sent: UploadProgress) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api/console${path}`);
    request.setRequestHeader('accept', 'application/json');
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress({ loaded: event.loaded, total: event.total });
    };
    request.onerror = () => reject(new ApiError(0, 'network_error', 'The upload was interrupted. Check your connection and try again.'));
    request.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(request.responseText);
      } catch {
        // handled below
      }
      if (request.status >= 200 && request.status < 300) return resolve(parsed as T);
      const error = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
      if (request.status === 401) onSignedOut();
      reject(new ApiError(request.status, error?.code ?? 'http_error', error?.message ?? `Roster answered ${request.status}`, error?.details));
    };
    request.send(form);
  });
}

/** A message for people, whatever was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
