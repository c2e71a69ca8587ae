// A KubeConfig whose API clients reuse their TLS connections. @kubernetes/client-node 1.x hands every
// request a new https.Agent, so each call opens a connection and does a whole TLS handshake with the
// client certificate — on both ends the costliest part of a small request, and on a busy control plane
// most of the work. This one keeps a keep-alive agent per set of TLS settings and swaps it in; the
// settings are still read per request, so a rotated certificate gets a new agent, and per-request
// headers (a service account's token) still come from the kubeconfig each time.
import { Agent, type AgentOptions } from "node:https";
import { KubeConfig, type RequestContext } from "@kubernetes/client-node";

/** How long a request may go unanswered before it is abandoned (longer than the API server's own 60 s). */
const REQUEST_DEADLINE_MS = 90_000;

/** Sockets kept per agent: enough for a worker's concurrent commands and their polls. */
const MAX_SOCKETS = 32;

function sameTls(a: AgentOptions, b: AgentOptions): boolean {
  const keys = ["ca", "cert", "key", "pfx", "passphrase", "rejectUnauthorized", "servername"] as const;
  return keys.every((k) => {
    const x: unknown = a[k];
    const y: unknown = b[k];
    return Buffer.isBuffer(x) && Buffer.isBuffer(y) ? x.equals(y) : x === y;
  });
}

export class KeepAliveKubeConfig extends KubeConfig {
  private shared: { tls: AgentOptions; agent: Agent } | undefined;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    // A request the API server neither answers nor ends (it ends its own after 60 s, --request-timeout)
    // is a connection that hung: abandoned, so its caller fails and tries again instead of waiting
    // forever. Watches do not come this way (client-node's Watch takes applyToFetchOptions).
    const deadline = AbortSignal.timeout(REQUEST_DEADLINE_MS);
    const own = context.getSignal();
    context.setSignal(own === undefined ? deadline : AbortSignal.any([own, deadline]));
    const fresh = context.getAgent();
    // Only the plain HTTPS agent is replaced; proxy agents (subclasses) and plain HTTP stay as they are.
    if (fresh?.constructor !== Agent) return;
    const tls = fresh.options;
    if (this.shared === undefined || !sameTls(this.shared.tls, tls)) {
      this.shared?.agent.destroy();
      this.shared = { tls, agent: new Agent({ ...tls, keepAlive: true, maxSockets: MAX_SOCKETS }) };
    }
    context.setAgent(this.shared.agent);
  }

  /** Closes the kept connections (at shutdown). */
  closeConnections(): void {
    this.shared?.agent.destroy();
    this.shared = undefined;
  }
}
