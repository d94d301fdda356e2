// SIP usernames of extensions: `<number>-<TENANTCODE>` by default (MiRTA's sipfriends name). Every username of a
// tenant ends with `-<ITS CODE>`: tenant codes are letters and digits only (no '-'), so the text after a
// username's last '-' names the one tenant whose namespace it is in, and no two tenants' names can collide.

/** MiRTA's default username of extension `number` of tenant `tenantCode` (`100-ACME`). */
export function defaultSipUsername(number: string, tenantCode: string): string {
  return `${number}-${tenantCode}`;
}

/** The suffix every username of the tenant carries (`-ACME`). */
export function sipUsernameSuffix(tenantCode: string): string {
  return `-${tenantCode}`;
}

/** Whether `username` is in the tenant's namespace: something, then `-<TENANTCODE>` exactly (codes are upper case). */
export function inTenantNamespace(username: string, tenantCode: string): boolean {
  const suffix = sipUsernameSuffix(tenantCode);
  return tenantCode !== '' && username.length > suffix.length && username.endsWith(suffix);
}
