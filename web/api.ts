/** The dashboard's only way to the ledger: the service's own read API, same origin. */
export type Json = Record<string, any>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const api = async (path: string): Promise<Json> => {
  const r = await fetch(path, { headers: { accept: 'application/json' } });
  const body = (await r.json().catch(() => ({}))) as Json;
  if (!r.ok) throw new ApiError(r.status, String(body.detail ?? `${r.status} ${r.statusText}`));
  return body;
};
