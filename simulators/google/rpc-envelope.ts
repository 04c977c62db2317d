// Google APIs (Google Ads REST, Gemini) answer errors as {error:{code,message,status}} (google.rpc.Status); the
// OAuth endpoints answer the flat {error,error_description}. Used for unknown paths and the simulator's own
// failures. Facts: docs/providers/google.md, docs/providers/gemini.md.
import { type Request } from 'express';
import { clientErrorStatus, type ErrorEnvelope } from '../json-fallbacks';

const rpcError = (code: number, status: string, message: string) => ({ error: { code, message, status } });

/** `oauthPaths`: paths answered in the OAuth shape (the token and revoke endpoints). */
export function googleErrorEnvelope(oauthPaths: readonly string[] = []): ErrorEnvelope {
  const isOAuth = (req: Request) => oauthPaths.includes(req.path);
  return {
    notFound: (req) => ({
      status: 404,
      body: isOAuth(req)
        ? { error: 'invalid_request', error_description: 'Not Found' }
        : rpcError(404, 'NOT_FOUND', `The requested URL ${req.path} was not found on this server.`),
    }),
    failed: (error, req) => {
      const status = clientErrorStatus(error);
      if (isOAuth(req)) {
        return status
          ? { status, body: { error: 'invalid_request', error_description: 'Bad Request' } }
          : { status: 500, body: { error: 'server_error', error_description: 'Internal error' } };
      }
      return status
        ? { status: 400, body: rpcError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.') }
        : { status: 500, body: rpcError(500, 'INTERNAL', 'Internal error encountered.') };
    },
  };
}
