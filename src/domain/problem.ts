// A problem with a request: where (a JSON pointer into the request) and why, in words an operator can act on.
export interface Problem {
  /** JSON pointer to the offending field, e.g. "/cells/1/bandwidthMHz"; "" is the whole request. */
  path: string;
  message: string;
}
