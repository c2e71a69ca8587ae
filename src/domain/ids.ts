// Deployment identifiers: a UUID (v7 from the API) and its short DNS-safe form used in object names.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/**
 * The last 12 hex digits of the UUID: in a v7 UUID these are random (the leading ones are a timestamp,
 * shared by ids made in the same millisecond), so they keep namespaces of concurrent deployments apart.
 */
export function shortIdOf(deploymentId: string): string {
  if (!isUuid(deploymentId)) throw new RangeError(`"${deploymentId}" is not a UUID`);
  return deploymentId.slice(-12);
}

export function namespaceOf(deploymentId: string): string {
  return `ran-${shortIdOf(deploymentId)}`;
}
