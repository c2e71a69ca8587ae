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
    // Absent: the status service has none of its objects — as of a cache that may itself be stale.
    if (response.status === 404) {
      const body = (await response.json().catch(() => ({}))) as { stale?: unknown };
      return { phase: "absent", stale: body.stale === true };
    }
    if (!response.ok) return { stale: true, message: `status service answered ${response.status}` };
    return await response.json();
  } catch (err) {
    return {
      stale: true,
      message: `status service unreachable: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
