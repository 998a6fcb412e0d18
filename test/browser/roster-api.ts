import { invitationTokenIn, mailsTo } from '../outbox.ts';
import type { FirstStartRoster } from '../support/roster-process.ts';

/** Sets the stage through Roster's own APIs, as a script would: the users API with the key, the console API with a token. */
export class RosterApi {
  private constructor(
    private readonly roster: FirstStartRoster,
    private readonly token: string,
  ) {}

  static async asOwner(roster: FirstStartRoster): Promise<RosterApi> {
    const response = await fetch(`${roster.url}/api/console/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(roster.owner),
    });
    if (!response.ok) throw new Error(`owner sign-in failed: ${response.status} ${await response.text()}`);
    const cookie = /roster_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
    const created = await fetch(`${roster.url}/api/console/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `roster_session=${cookie}` },
      body: JSON.stringify({ name: 'browser test set-up' }),
    });
    if (!created.ok) throw new Error(`token creation failed: ${created.status} ${await created.text()}`);
    return new RosterApi(roster, ((await created.json()) as { token: string }).token);
  }

  async console<T>(method: string, apiPath: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.roster.url}/api/console${apiPath}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${apiPath}: ${response.status} ${await response.text()}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  /** Uploads a file through the console API (an import, a face ZIP), as the console's form does. */
  async upload<T>(apiPath: string, name: string, content: string | Buffer, type = 'text/csv'): Promise<T> {
    const form = new FormData();
    form.append('file', new Blob([content], { type }), name);
    const response = await fetch(`${this.roster.url}/api/console${apiPath}`, { method: 'POST', headers: { authorization: `Bearer ${this.token}` }, body: form });
    if (!response.ok) throw new Error(`upload ${apiPath}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  async users<T>(method: string, apiPath: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.roster.url}${apiPath}`, {
      method,
      headers: { 'x-api-key': this.roster.apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${apiPath}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Invites the operator, then accepts the invitation from the mail in the outbox, as the invitee would. */
  async addOperator(email: string, role: string, password: string, name: string): Promise<void> {
    await this.console('POST', '/operators', { email, role, name });
    const [mail] = await mailsTo(this.roster.dataDir, email);
    const token = mail ? invitationTokenIn(mail) : undefined;
    if (!token) throw new Error(`no invitation mail for ${email} in the outbox`);
    const response = await fetch(`${this.roster.url}/api/console/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password, name }),
    });
    if (!response.ok) throw new Error(`accepting the invitation of ${email}: ${response.status} ${await response.text()}`);
  }
}
