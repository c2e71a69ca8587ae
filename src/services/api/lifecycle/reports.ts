// What comes back to the deployment controller: the workers' reports (progress, ready, failed,
// deleted) and the status service's drift, and the heals and retries they start.
import type { DeploymentRecord } from "../../../domain/deployment-record.ts";
import { LEAVING_STATES, nextState, STATE } from "../../../domain/deployment-states.ts";
import { readEnvelope, type DriftReport, type Report } from "../../../domain/messages.ts";
import { alertKey, presentRadio, RADIO, type RadioHealth } from "../../../domain/live-status.ts";
import type { ConnectionDetails } from "../../../domain/connection-details.ts";
import type { DeploymentState } from "../../../domain/deployment-states.ts";
import type { RestartableComponent } from "../../../domain/messages.ts";
import { DEFAULT_RESTART_AFTER_SECONDS } from "../../../domain/ran-deployment-spec.ts";
import { RESTARTING } from "../worker-commands.ts";
import { backoffMs } from "../../../platform/backoff.ts";
import type { Logger } from "../../../platform/logger.ts";
import type { Dispatcher } from "./dispatcher.ts";
import type { LifecycleDeps } from "./lifecycle-deps.ts";
import type { StateWriter } from "./state-writer.ts";

/** The radio's health before its CU or DU reported anything. */
const UNKNOWN_RADIO: RadioHealth = {
  state: RADIO.unknown,
  since: "",
  reasons: [],
  f1: "unknown",
  amfs: [],
  cells: [],
};

/** A radio's reasons in words, as of now. */
function radioReasons(radio: RadioHealth): string {
  const reasons = presentRadio(radio, Date.now()).reasons;
  return reasons.length === 0 ? "nothing reported yet" : reasons.join("; ");
}

/** The states in which a deployment's KPI alerts are told: its cells are meant to be on the air. */
const ALERTING_STATES: readonly DeploymentState[] = [STATE.ready, STATE.degraded];

/** The longest wait between two restarts of a radio whose fault persists. */
const MAX_RESTART_INTERVAL_MS = 3_600_000;

/**
 * When the radio's policy restarts a degraded radio (undefined: it does not): `afterSeconds` into the
 * fault, then `afterSeconds` × 2, × 4… after the last restart (at most an hour), never sooner than
 * `afterSeconds` into the fault as the radio reports it now.
 */
export function restartDueAt(
  record: Pick<DeploymentRecord, "spec" | "radioRestarts">,
  radio: Pick<RadioHealth, "since">,
): number | undefined {
  const policy = record.spec.telemetry?.onRadioFailure;
  if (policy?.action !== "restart") return undefined;
  const afterMs = (policy.afterSeconds ?? DEFAULT_RESTART_AFTER_SECONDS) * 1000;
  const faultDue = Date.parse(radio.since) + afterMs;
  const last = record.radioRestarts;
  if (last === undefined) return faultDue;
  const backoff = Math.min(afterMs * 2 ** last.count, MAX_RESTART_INTERVAL_MS);
  return Math.max(faultDue, new Date(last.lastAt).getTime() + backoff);
}

/** The components whose restart may bring the radio back: the CU for its own faults, else the DU. */
export function restartTargets(radio: Pick<RadioHealth, "reasons">): RestartableComponent[] {
  const named = new Set(radio.reasons.map((r) => r.component ?? "du"));
  const targets = (["cu", "du"] as const).filter((c) => named.has(c));
  return targets.length > 0 ? targets : ["du"];
}

/**
 * Whether the radio's health is that of these pods (the ones the workers brought up): each component
 * that reported did so from its pod. A restarted component's old pod may still seem healthy for a few
 * periods after it went; its reports are not the new one's. Without pods on either side (an older
 * worker or status service), it is taken as is.
 */
export function speaksFor(radio: Pick<RadioHealth, "pods">, pods: DeploymentRecord["radioPods"]): boolean {
  return (["cu", "du"] as const).every((c) => {
    const expected = pods?.[c];
    const heard = radio.pods?.[c];
    return expected === undefined || heard === undefined || expected === heard;
  });
}

/** Components in words: "CU", "DU", "CU and DU". */
function componentNames(components: readonly RestartableComponent[]): string {
  return components.map((c) => c.toUpperCase()).join(" and ");
}

/** How long to wait before the n-th attempt to bring back a deployment whose update or heal failed. */
export function retryDelayMs(attempt: number): number {
  return backoffMs(attempt, { firstMs: 5_000, maxMs: 300_000 });
}

export class ReportHandler {
  constructor(
    private readonly deps: LifecycleDeps,
    private readonly states: StateWriter,
    private readonly dispatcher: Dispatcher,
    /** Told when a deployment's failed change is to be tried again. */
    private readonly onRetryScheduled: (deploymentId: string, at: number) => void,
  ) {}

  /**
   * Reads a message from the reports exchange — a worker's report or the status service's drift —
   * into the deployment it is about and how to apply it (undefined: not a report).
   */
  read(body: unknown): { deploymentId: string; apply: () => Promise<void> } | undefined {
    const drift = readEnvelope<DriftReport>(body, ["drift"]);
    if (drift !== undefined) return { deploymentId: drift.deploymentId, apply: () => this.onDrift(drift) };
    const report = readEnvelope<Report>(body, ["report"]);
    if (report === undefined) return undefined;
    return { deploymentId: report.deploymentId, apply: () => this.onWorkerReport(report) };
  }

  /** Applies a worker's report of an operation: progress, ready, failed or deleted. */
  private async onWorkerReport(report: Report): Promise<void> {
    const { store } = this.deps;
    const record = await store.deployments.get(report.deploymentId);
    const { operationId, outcome } = report.payload;
    const log = this.deps.logger.child({
      deploymentId: report.deploymentId,
      correlationId: report.correlationId,
      outcome,
    });
    if (record === undefined || record.operationId !== operationId) {
      // Info, not debug: a report dropped here while its deployment waits is how a deployment gets stuck.
      log.info(
        { operationId, current: record?.operationId, state: record?.state },
        "dropped a report of an older operation",
      );
      return;
    }
    switch (outcome) {
      case "progress":
        await this.states.step("progress", record.id, {});
        return;
      case "ready": {
        // The operation ends before the deployment shows its outcome, so whoever sees the deployment
        // ready finds its operation finished. Also when the record was already ready: a redelivery
        // after the database failed between the two writes (finishing is idempotent).
        if (record.state === STATE.ready || nextState("ready", record.state) !== undefined)
          await store.operations.finish(operationId, "succeeded");
        // What the workers brought up is ready only once its radio says so (the controller moves it then).
        const radio = await this.radioOf(record);
        const { pods } = report.payload;
        if (radio !== undefined && (radio.state !== RADIO.healthy || !speaksFor(radio, pods))) {
          const waiting = await this.awaitRadio(record, radio, report.payload.connection, pods);
          if (waiting !== undefined) {
            log.info(
              { radio: radio.state, state: waiting.state },
              "pods ready; waiting for the radio to report healthy",
            );
            return;
          }
        }
        const ready = await this.states.step("ready", record.id, {
          connection: report.payload.connection,
          reason: undefined,
          reasonCode: undefined,
          retries: undefined,
          retryAt: undefined,
        });
        if (ready !== undefined) log.info("deployment ready");
        else if (record.state !== STATE.ready)
          // (A ready record's report is one come again: nothing to say.)
          log.info({ read: record.state }, "the record moved on before the ready report was applied");
        return;
      }
      case "failed": {
        const reason = report.payload.reason ?? "the worker gave no reason";
        if (nextState("fail-change", record.state) !== undefined)
          return this.onChangeFailed(record, reason, log);
        // Unless it was a teardown that failed, take down what was created and give the reservations
        // back; the record stays `failed`.
        const tearDown = record.state !== STATE.deleting;
        await store.operations.finish(operationId, "failed", { code: "provision-failed", message: reason });
        const failed = await this.states.step(tearDown ? "fail" : "fail-teardown", record.id, {
          reason,
          reasonCode: tearDown ? "provision-failed" : "teardown-failed",
          dispatchPending: tearDown ? true : undefined,
        });
        log.warn({ reason }, "deployment failed");
        if (failed !== undefined && tearDown) await this.dispatcher.dispatch(failed, report.correlationId);
        return;
      }
      case "deleted":
        await this.dispatcher.release(record, report.correlationId);
        if (LEAVING_STATES.includes(record.state)) {
          await store.operations.finish(operationId, "succeeded"); // also on a redelivery (idempotent)
          if (await this.states.step("torn-down", record.id, {})) log.info("deployment deleted");
        }
        return;
    }
  }

  /**
   * The radio's health as the live status has it, when deployments follow it (undefined otherwise, or
   * while the live status cannot say).
   */
  async radioOf(record: DeploymentRecord): Promise<RadioHealth | undefined> {
    if (this.deps.radioHealth !== true || this.deps.liveStatus === undefined) return undefined;
    const live = (await this.deps.liveStatus(record.id)) as
      { stale?: boolean; radio?: RadioHealth } | undefined;
    return live?.stale === false ? (live.radio ?? UNKNOWN_RADIO) : undefined;
  }

  /**
   * Moves a deployment to follow its radio: a provision waiting for it, or one its radio degraded, is
   * ready once the radio is healthy; a ready one whose radio reports a fault is degraded, with the
   * reasons; one degraded by its radio longer than its policy allows is restarted. Tells the tenant
   * of the KPI alerts that began or stopped firing. Whether it changed the record.
   */
  async followRadio(record: DeploymentRecord): Promise<boolean> {
    const radio = await this.radioOf(record);
    if (radio === undefined) return false;
    const moved = await this.followRadioState(record, radio);
    const alerted = await this.tellAlerts(moved ?? record, radio);
    return moved !== undefined || alerted;
  }

  /**
   * The workers brought up what a record's operation asked for, but its radio is not healthy yet: a
   * provision or update waits for it (reason code `awaiting-radio`), a heal or restart stays degraded
   * (reason code `radio`). Undefined when the record is in none of these states.
   */
  private async awaitRadio(
    record: DeploymentRecord,
    radio: RadioHealth,
    connection: ConnectionDetails | undefined,
    pods: DeploymentRecord["radioPods"],
  ): Promise<DeploymentRecord | undefined> {
    const event =
      record.state === STATE.updating
        ? "await-radio-update"
        : record.state === STATE.degraded
          ? "await-radio-again"
          : nextState("await-radio", record.state) !== undefined
            ? "await-radio"
            : undefined;
    if (event === undefined) return undefined;
    const again = event === "await-radio-again";
    const restarted =
      record.reasonCode === RESTARTING && record.radioRestarts !== undefined
        ? `; restarted the ${componentNames(record.radioRestarts.components)} (restart ${record.radioRestarts.count})`
        : "";
    const waiting = await this.states.step(event, record.id, {
      ...(connection === undefined ? {} : { connection }),
      reason: again
        ? `radio: ${radioReasons(radio)}${restarted}`
        : `waiting for the radio: ${radioReasons(radio)}`,
      reasonCode: again ? "radio" : "awaiting-radio",
      retries: undefined,
      retryAt: undefined,
      radioPods: pods,
    });
    if (waiting !== undefined) this.onRetryScheduled(record.id, Date.now() + this.deps.provisionTimeoutMs);
    return waiting;
  }

  private async followRadioState(
    record: DeploymentRecord,
    radio: RadioHealth,
  ): Promise<DeploymentRecord | undefined> {
    const awaiting =
      (record.state === STATE.provisioning || record.state === STATE.updating) &&
      record.reasonCode === "awaiting-radio";
    const waiting =
      awaiting ||
      (record.state === STATE.degraded &&
        (record.reasonCode === "radio" || record.reasonCode === RESTARTING));
    const log = this.deps.logger.child({ deploymentId: record.id });
    if (waiting && radio.state === RADIO.healthy && speaksFor(radio, record.radioPods)) {
      const ready = await this.states.step("radio-healthy", record.id, {
        reason: undefined,
        reasonCode: undefined,
        radioRestarts: undefined,
        radioPods: undefined,
      });
      if (ready !== undefined) log.info("the radio reports healthy: deployment ready");
      return ready;
    }
    if (record.state === STATE.ready && radio.state === RADIO.degraded) {
      const reason = `radio: ${radioReasons(radio)}`;
      const degraded = await this.states.step("radio-lost", record.id, { reason, reasonCode: "radio" });
      if (degraded !== undefined) log.warn({ reason }, "the radio reports a fault: deployment degraded");
      return degraded;
    }
    // A provision or update that waited longer than its deadline for the radio: degraded, so it can be
    // changed again and the radio's policy applies.
    if (awaiting) {
      const deadline = record.updatedAt.getTime() + this.deps.provisionTimeoutMs;
      if (Date.now() < deadline) {
        this.onRetryScheduled(record.id, deadline);
        return undefined;
      }
      const waitedS = Math.round((Date.now() - record.updatedAt.getTime()) / 1000);
      const reason = `radio: ${radioReasons(radio)} (not healthy ${waitedS} s after its pods were ready)`;
      const degraded = await this.states.step("radio-lost", record.id, {
        reason,
        reasonCode: "radio",
        pendingSpec: undefined,
        updateFrom: undefined,
      });
      if (degraded !== undefined)
        log.warn({ reason }, "the radio did not become healthy in time: deployment degraded");
      return degraded;
    }
    if (record.state === STATE.degraded && record.reasonCode === "radio" && radio.state === RADIO.degraded)
      return this.restartIfDue(record, radio, Date.now());
    // Still waiting, or still degraded: the record's reason says what was wrong when it moved; the
    // live `radio` says what is wrong now.
    return undefined;
  }

  /**
   * The radio's policy (spec `telemetry.onRadioFailure`): with `restart`, a fault that has lasted
   * `afterSeconds` restarts the component it names, and one that persists restarts it again after twice
   * as long each time (at most hourly); the deployment stays degraded until the radio is healthy.
   */
  private async restartIfDue(
    record: DeploymentRecord,
    radio: RadioHealth,
    now: number,
  ): Promise<DeploymentRecord | undefined> {
    const due = restartDueAt(record, radio);
    if (due === undefined) return undefined;
    if (due > now) {
      this.onRetryScheduled(record.id, due);
      return undefined;
    }
    const components = restartTargets(radio);
    const count = (record.radioRestarts?.count ?? 0) + 1;
    const operationId = await this.states.startOperation(record, "restart");
    const restarting = await this.states.step(
      "radio-restart",
      record.id,
      {
        operationId,
        dispatchPending: true,
        reasonCode: RESTARTING,
        reason: `radio: ${radioReasons(radio)}; restarting the ${componentNames(components)} (restart ${count})`,
        radioRestarts: { count, lastAt: new Date(now), components },
      },
      { revision: record.revision },
    );
    if (restarting === undefined) {
      await this.deps.store.operations.remove(operationId);
      return undefined;
    }
    this.deps.logger.warn(
      { deploymentId: record.id, components, restarts: count },
      "the radio's fault outlasted its policy: restarting",
    );
    await this.dispatcher.dispatch(restarting, operationId);
    return restarting;
  }

  /**
   * Tells the tenant of each KPI alert that began or stopped firing since it was last told, in one
   * write of the record (guarded by its revision: of two replicas, one tells). Whether it wrote.
   */
  private async tellAlerts(record: DeploymentRecord, radio: RadioHealth): Promise<boolean> {
    if (!ALERTING_STATES.includes(record.state)) return false;
    const now = radio.alerts ?? [];
    const told = record.alerts ?? [];
    if (now.map(alertKey).join(" ") === told.map(alertKey).join(" ")) return false;
    const written = await this.states.alertsChanged(record, now);
    if (written === undefined) this.onRetryScheduled(record.id, Date.now()); // moved meanwhile: look again
    return written !== undefined;
  }

  /**
   * A managed object was deleted or changed behind RANaaS's back: the deployment becomes `degraded`
   * and, with self-healing on, a new operation provisions it again (server-side apply restores it).
   */
  async onDrift(drift: DriftReport): Promise<void> {
    const { store } = this.deps;
    const record = await store.deployments.get(drift.deploymentId);
    if (record === undefined || nextState("heal", record.state) === undefined) return; // being changed by RANaaS itself
    const reason = `${drift.payload.detail} outside RANaaS`;
    const log = this.deps.logger.child({ deploymentId: record.id, correlationId: drift.correlationId });
    if (!this.deps.selfHeal) {
      await this.states.step("drift", record.id, { reason, reasonCode: "drift" });
      log.warn({ reason }, "deployment drifted; self-healing is off");
      return;
    }
    if (await this.heal(record, { reason, reasonCode: "drift" }, drift.correlationId))
      log.warn({ reason }, "deployment drifted; healing");
  }

  /**
   * An update or a heal whose provision failed (it could not become ready in time): the deployment
   * stays, `degraded` with the reason and its resources held — tearing down what may still serve is
   * not RANaaS's call — and RANaaS tries again with a growing delay, until it is ready, updated or
   * deleted.
   */
  private async onChangeFailed(record: DeploymentRecord, reason: string, log: Logger): Promise<void> {
    const { store } = this.deps;
    // Retries of a failed update are heals, but what failed is still the update.
    const kind =
      record.state === STATE.updating || record.reasonCode === "update-failed"
        ? "update"
        : record.reasonCode === RESTARTING
          ? "restart"
          : "heal";
    const retries = (record.retries ?? 0) + 1;
    const retryAt = new Date(Date.now() + retryDelayMs(retries));
    // The operation failed whatever became of the deployment meanwhile; it ends first (see onReport).
    await store.operations.finish(record.operationId, "failed", {
      code: "provision-failed",
      message: reason,
    });
    const degraded = await this.states.step(
      "fail-change",
      record.id,
      { reason: `the ${kind} failed: ${reason}`, reasonCode: `${kind}-failed`, retries, retryAt },
      { current: record.state },
    );
    if (degraded === undefined) return;
    this.onRetryScheduled(record.id, retryAt.getTime());
    log.warn({ reason, retries, retryAt }, `the ${kind} failed; trying again later`);
  }

  /**
   * Starts a heal: a new operation provisioning the deployment's definition again (server-side apply
   * restores what changed). Whether it started: not when the deployment moved on meanwhile.
   */
  async heal(
    record: DeploymentRecord,
    why: { reason: string; reasonCode: string },
    correlationId: string,
  ): Promise<boolean> {
    const operationId = await this.states.startOperation(record, "heal");
    const degraded = await this.states.step(
      "heal",
      record.id,
      { ...why, operationId, dispatchPending: true, retryAt: undefined },
      { revision: record.revision },
    );
    if (degraded === undefined) {
      await this.deps.store.operations.remove(operationId);
      return false;
    }
    await this.dispatcher.dispatch(degraded, correlationId);
    return true;
  }
}
