// A small client for the RANaaS HTTP API in tests: JSON in, status and JSON out.
export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A RAN deployment as the API answers it, as far as tests look at it. */
export interface DeploymentAnswer {
  id: string;
  name: string;
  state: string;
  operationId: string;
  reason?: string;
  reasonCode?: string;
  plan: null | {
    namespace: string;
    site: string;
    cu: { node: string };
    du: { node: string };
    cells: { ruId: string; ruNode: string; nci: string; pci: number }[];
  };
  connection: null | { n2: { sourceAddress: string }; n3: { address: string; port: number } };
  status?: { phase: string; stale?: boolean; components: { name: string; node: string; ready: boolean }[] };
}

export async function call<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer<T>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text === "" ? {} : JSON.parse(text)) as T,
    headers: response.headers,
  };
}

export function cellsRequest(
  name: string,
  cells: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name,
    amf: { address: "10.0.0.5" },
    plmn: "00101",
    tac: 7,
    slices: [{ sst: 1 }],
    cells: Array.from({ length: cells }, () => ({ band: 78, bandwidthMHz: 20 })),
    ...extra,
  };
}
