// Web users (MiRTA `us_users`): portal logins with a profile and the tenants they manage.

export interface WebUser {
  us_id: number;
  us_username: string;
  us_description: string;
  us_email: string;
  us_up_id: number | null;
  us_password: string; // scrypt hash; never returned by the API
  us_useldap: string;
  us_ipfilter: string;
  us_2fatype: string;
  us_neverexpire: string;
  us_dynamicip: string;
  us_created: string;
}

export type WebUserFields = Omit<WebUser, 'us_id' | 'us_created'>;

/** How an AUTHTOKEN may be used: once, or until a moment (UTC `YYYY-MM-DD HH:MM:SS`). */
export type TokenValidity = { kind: 'once' } | { kind: 'until'; until: string };

export interface AuthTokenRecord {
  at_us_id: number;
  at_hash: string;
  at_once: number;
  at_validuntil: string | null;
  at_created: string;
}
