// Asks the status service for a deployment's live status; an unreachable status service is reported as
// stale status rather than failing the request.
export async function fetchLiveStatus(
  statusUrl: string,
  deploymentId: string,
  timeoutMs = 1000,
): Promise<unknown> {
  try {
    const response = await fetch(`${statusUrl}/status/${encodeURIComponent(deploymentId)}`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status === 404) return { phase: "absent", stale: false };
    if (!response.ok) return { stale: true, message: `status service answered ${response.status}` };
    return await response.json();
  } catch (err) {
    return {
      stale: true,
      message: `status service unreachable: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
