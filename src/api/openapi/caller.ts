// Who calls openapi.php (spec §5.2): the key from `key=`, `X-API-Key` or `Authorization: Bearer`, and
// the tenant from `tenant=`. AccessService decides; this only names its refusals with §5.6's codes.
import type { Caller, Services } from '../../services/index.ts';
import { PbxError } from '../../shared/index.ts';

export interface KeyedRequest {
  readonly query: URLSearchParams;
  header(name: string): string | undefined;
  readonly remoteAddress: string;
}

/** `key=`, then `X-API-Key`, then `Authorization: Bearer` (the order of proxyapi.php). */
export function presentedKey(request: KeyedRequest): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.header('authorization') ?? '')?.[1];
  return request.query.get('key') || request.header('x-api-key') || bearer || undefined;
}

export async function resolveCaller(services: Services, request: KeyedRequest): Promise<Caller> {
  const key = presentedKey(request);
  if (!key) throw new PbxError('missing_api_key', 'Missing API key: send key=, an X-API-Key header or Authorization: Bearer.');
  const tenantCode = request.query.get('tenant')?.trim() || undefined;
  const useCache = request.query.get('cache') !== 'no';
  try {
    return await services.access.resolve({ key, tenantCode, address: request.remoteAddress, useCache });
  } catch (caught) {
    if (caught instanceof PbxError && caught.code === 'bad_key') throw (await explain(services, key, tenantCode, useCache)) ?? caught;
    throw caught;
  }
}

/**
 * AccessService refuses every bad key, tenant or pairing alike (proxyapi.php must not tell them apart);
 * §5.6 names the tenant cases, so the refusal is looked at again here. The throttle has already counted
 * it, so these look-ups cannot be used to guess keys faster than bad keys can. Undefined: the key itself
 * does not work, and the bad_key refusal stands (openapi.php's invalid_api_key).
 */
async function explain(services: Services, key: string, tenantCode: string | undefined, useCache: boolean): Promise<PbxError | undefined> {
  const principal = await services.keys.resolve(key, useCache);
  if (!principal) return undefined;
  if (principal.kind === 'tenant' && !tenantCode) {
    return new PbxError('tenant_required', 'A tenant API key must name its tenant: add tenant=<tenant code>.');
  }
  const tenant = tenantCode ? await services.tenants.findByCode(tenantCode, useCache) : undefined;
  // A tenant key naming another tenant sees nothing of it: the same answer as an unknown code.
  if (tenantCode && (!tenant || (principal.kind === 'tenant' && tenant.te_id !== principal.tenantId))) {
    return new PbxError('tenant_not_found', `Tenant ${tenantCode} not found.`);
  }
  // What is left is a tenant key of a disabled tenant: the key does not work now.
  return undefined;
}
