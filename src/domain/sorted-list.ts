// Ascending arrays of distinct values kept sorted in place (record ids by time, RU positions, site
// names): binary search for where a value is or would go, and insertion or removal there. No I/O.

/** The first index whose value is not less than `value` (where it is, or would go). */
export function lowerBound<T>(list: readonly T[], value: T): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The first index whose value is greater than `value`. */
export function upperBound<T>(list: readonly T[], value: T): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid]! <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Adds (`sign` +1) or removes (-1) `value` in the ascending `list` of distinct values. */
export function toggleSorted<T>(list: T[], value: T, sign: 1 | -1): void {
  // New values mostly go last (time-ordered ids): no search for those.
  if (sign > 0 && (list.length === 0 || list[list.length - 1]! < value)) {
    list.push(value);
    return;
  }
  const at = lowerBound(list, value);
  if (sign > 0) list.splice(at, 0, value);
  else if (list[at] === value) list.splice(at, 1);
}
