import type { Role } from '../../db/schema.ts';

/** Who is calling: an application's API key, or a console operator. */
export interface ApiKeyPrincipal {
  kind: 'api_key';
  keyId: string;
  keyPrefix: string;
  appId: string;
  orgId: string;
}

export interface OperatorPrincipal {
  kind: 'operator';
  operatorId: string;
  orgId: string;
  role: Role;
  email: string;
  name: string;
  /** How the operator signed in: the session cookie or a console token. */
  via: 'session' | 'token';
}

export type Principal = ApiKeyPrincipal | OperatorPrincipal;
