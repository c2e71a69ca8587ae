// S-NSSAI in srsRAN's form: sst and, when present, sd as an integer (the request carries 6 hex digits).
import type { Slice } from "../domain/ran-deployment-spec.ts";
import type { SrsranSlice } from "./config-types.ts";

export function srsranSlice(slice: Slice): SrsranSlice {
  return slice.sd === undefined ? { sst: slice.sst } : { sst: slice.sst, sd: Number.parseInt(slice.sd, 16) };
}
