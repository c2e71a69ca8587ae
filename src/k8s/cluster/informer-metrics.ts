// The staleness of a service's informers as a Prometheus gauge (the status service's and the
// orchestrator's caches): 0 while an informer is synced and watching, else how long it has not been.
import { Gauge, type Registry } from "prom-client";

export function registerInformerStaleness(
  metrics: Registry,
  cache: { stalenessSeconds(): { informer: string; seconds: number }[] },
): void {
  new Gauge({
    name: "ranaas_informer_staleness_seconds",
    help: "How long an informer has not been current; 0 while it is synced and watching",
    labelNames: ["informer"],
    registers: [metrics],
    collect() {
      for (const row of cache.stalenessSeconds()) this.set({ informer: row.informer }, row.seconds);
    },
  });
}
