// Why the orchestrator could not plan a deployment: a stable code and a message that says what is missing.
export type RejectionCode =
  | "insufficient-rus"
  | "insufficient-compute"
  | "insufficient-core-network"
  | "identity-conflict"
  | "unknown-site"
  | "invalid-request"
  | "quota-exceeded";

export interface PlanRejection {
  code: RejectionCode;
  message: string;
}
