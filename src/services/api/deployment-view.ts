// What the API answers for a deployment: the record, its plan and connection details, and live status.
import type { DeploymentRecord, OperationRecord } from "../../domain/deployment-record.ts";
import { presentRadio, type RadioHealth } from "../../domain/live-status.ts";
import type { CallbackSummary } from "../../store/callbacks-repository.ts";

export function deploymentView(
  record: DeploymentRecord,
  status?: unknown,
  callbacks?: CallbackSummary,
): Record<string, unknown> {
  const def = record.definition;
  return {
    id: record.id,
    name: record.name,
    state: record.state,
    ...(record.reason === undefined ? {} : { reason: record.reason, reasonCode: record.reasonCode }),
    ...(record.retryAt === undefined ? {} : { retryAt: record.retryAt.toISOString() }),
    spec: record.spec,
    ...(record.pendingSpec === undefined ? {} : { pendingSpec: record.pendingSpec }),
    plan:
      def === undefined
        ? null
        : {
            gnbId: def.gnbId,
            gnbIdBits: def.gnbIdBits,
            site: def.site,
            namespace: def.namespace,
            cu: { node: def.cu.node },
            du: { node: def.du.node, site: def.site, gnbDuId: def.du.gnbDuId },
            cells: def.cells.map((c) => ({
              index: c.index,
              ruId: c.ruId,
              ruNode: c.ruNode,
              pci: c.pci,
              sectorId: c.sectorId,
              nci: c.nciHex,
              nrCgi: c.nrCgi,
              band: c.band,
              duplex: c.duplex,
              dlArfcn: c.dlArfcn,
              ulArfcn: c.ulArfcn,
              bandwidthMHz: c.bandwidthMHz,
              scsKHz: c.scsKHz,
            })),
          },
    connection: record.connection ?? null,
    operationId: record.operationId,
    revision: record.revision,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    ...liveParts(status, callbacks),
  };
}

/** What a view adds to the record: its live status and its callbacks' summary, when given. */
export function liveParts(
  status?: unknown,
  callbacks?: CallbackSummary,
  now = Date.now(),
): Record<string, unknown> {
  // The radio's health comes with the live status; it is answered beside it, its reasons as of now.
  const { radio, ...pods } = (status ?? {}) as { radio?: RadioHealth };
  return {
    ...(status === undefined ? {} : { status: pods }),
    ...(radio === undefined ? {} : { radio: presentRadio(radio, now) }),
    ...(callbacks === undefined
      ? {}
      : {
          callbacks: {
            ...callbacks,
            ...(callbacks.lastError === undefined
              ? {}
              : { lastError: { ...callbacks.lastError, at: callbacks.lastError.at.toISOString() } }),
          },
        }),
  };
}

export function operationView(op: OperationRecord): Record<string, unknown> {
  return {
    id: op.id,
    deploymentId: op.deploymentId,
    kind: op.kind,
    state: op.state,
    ...(op.error === undefined ? {} : { error: op.error }),
    createdAt: op.createdAt.toISOString(),
    updatedAt: op.updatedAt.toISOString(),
  };
}
