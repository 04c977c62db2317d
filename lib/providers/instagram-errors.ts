// Instagram's errors in dropday's vocabulary (docs/providers/instagram.md). Graph's envelope and codes are Meta's
// (classifyMetaError: 190 token, 4/17/32/613/800xx throttles with the usage headers' wait, 1/2/5xx unavailable),
// plus the publishing subcodes: 9/2207042 (publishing quota) is quota_exhausted; -1/-2 (Instagram server error,
// download timed out) and 9007/2207027 (container not ready) are unavailable: wait and try again; 24, 2207020 and
// 2207053 (container gone, expired, upload failed: make a new one) are not_found; every other refusal is invalid_request with Instagram's message for the artist.
import { type ProviderResponse } from './http';
import { ProviderError } from './errors';
import { classifyMetaError } from './meta-marketing';

interface GraphError {
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
  message?: string;
  error_user_msg?: string;
}

export function classifyInstagramError(res: Pick<ProviderResponse, 'status' | 'data' | 'headers'>): ProviderError {
  const error = (res.data as { error?: GraphError } | undefined)?.error;
  const meta = classifyMetaError(res);
  const as = (kind: ProviderError['kind'], extra: Partial<ProviderError['detail']> = {}) =>
    new ProviderError('instagram', kind, meta.message, { ...meta.detail, ...extra });
  // The code exchange refuses in its own shape: {error_type, code: 400, error_message}.
  const flat = res.data as { error_type?: string; error_message?: string } | undefined;
  if (!error && flat?.error_type)
    return new ProviderError('instagram', 'invalid_request', flat.error_message ?? flat.error_type, {
      status: res.status,
      code: flat.error_type,
    });
  const code = error?.code;
  if (code === 9 || error?.error_subcode === 2207042) return as('quota_exhausted');
  // The container is gone (24), expired (2207020) or its upload failed (2207053): only a new container helps.
  if (code === 24 || error?.error_subcode === 2207020 || error?.error_subcode === 2207053) return as('not_found');
  if (code === -1 || code === -2 || code === 9007 || error?.is_transient) return as('unavailable');
  if (meta.kind === 'invalid_request')
    return as('invalid_request', { userMessage: error?.error_user_msg ?? meta.message });
  return as(meta.kind);
}
