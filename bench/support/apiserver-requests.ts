// What the Kubernetes API server was asked, by verb and resource (its apiserver_request_total counter):
// read before and after a round, it says which requests a round's control-plane CPU went to.
import { request, type RequestOptions } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";

/** `VERB resource[/subresource]` → requests served so far. */
export async function apiserverRequests(kube: KubeConfig): Promise<Map<string, number>> {
  const server = kube.getCurrentCluster()?.server;
  if (server === undefined) throw new Error("the kubeconfig names no cluster");
  const options: RequestOptions = {};
  await kube.applyToHTTPSOptions(options);
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(new URL("/metrics", server), options, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve(body));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
  const counts = new Map<string, number>();
  for (const [, labels = "", value] of text.matchAll(/^apiserver_request_total\{([^}]*)\} (\S+)$/gm)) {
    const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(labels)?.[1] ?? "";
    const sub = label("subresource");
    const key = `${label("verb")} ${label("resource")}${sub === "" ? "" : `/${sub}`}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(value));
  }
  return counts;
}

/** The requests between two readings, most first. */
export function requestsSince(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): Record<string, number> {
  return Object.fromEntries(
    [...after]
      .map(([key, n]) => [key, n - (before.get(key) ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]),
  );
}
