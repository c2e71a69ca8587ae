// Builds a deployment request from `ranaas create` flags, on top of a spec file when one is given. It
// does not validate: the API does, so the CLI shows exactly the API's messages with the field names.
export interface CreateFlags {
  name?: string | undefined;
  cells?: number | undefined;
  band?: number | undefined;
  bandwidth?: number | undefined;
  scs?: number | undefined;
  plmn?: string | undefined;
  tac?: number | undefined;
  amf?: string[] | undefined;
  additionalPlmn?: string[] | undefined;
  slice?: string[] | undefined;
  site?: string | undefined;
  gnbId?: number | undefined;
  n3ServiceType?: string | undefined;
  callbackUrl?: string | undefined;
}

type Spec = Record<string, unknown>;
type Cell = Record<string, unknown>;

/** `address[:port][@plmn,plmn…]` (e.g. `10.0.0.5`, `amf.core:38412@00101`): an AMF, and the PLMNs it serves when several AMFs share the cells. */
export function parseAmf(text: string): { address: string; port?: number; plmns?: string[] } {
  const [endpoint = "", plmns] = text.split("@");
  const match = /^(.+):(\d+)$/.exec(endpoint);
  const amf: { address: string; port?: number; plmns?: string[] } =
    match === null ? { address: endpoint } : { address: match[1] ?? endpoint, port: Number(match[2]) };
  if (plmns !== undefined) amf.plmns = plmns.split(",");
  return amf;
}

/** `1` or `1:0000AB` (SST, then an optional SD of 6 hex digits). */
export function parseSlice(text: string): { sst: number; sd?: string } {
  const [sst, sd] = text.split(":");
  return sd === undefined ? { sst: Number(sst) } : { sst: Number(sst), sd };
}

/** N cells: the existing ones kept (in order), more copied from the last one without its PCI. */
export function resizeCells(cells: readonly Cell[], count: number): Cell[] {
  const kept = cells.slice(0, count);
  const template = cells.at(-1) ?? {};
  const { pci: _pci, dlArfcn: _arfcn, ...copy } = template;
  while (kept.length < count) kept.push({ ...copy });
  return kept;
}

export function specFromFlags(base: Spec | undefined, flags: CreateFlags, nameSuffix: string): Spec {
  const spec: Spec = { ...base };
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) spec[key] = value;
  };
  set("name", flags.name);
  spec.name ??= `ran-${nameSuffix}`;
  set("plmn", flags.plmn);
  set("tac", flags.tac);
  set("site", flags.site);
  set("gnbId", flags.gnbId);
  set("n3ServiceType", flags.n3ServiceType);
  set("callbackUrl", flags.callbackUrl);
  if (flags.amf !== undefined && flags.amf.length > 0) spec.amf = flags.amf.map(parseAmf);
  if (flags.additionalPlmn !== undefined && flags.additionalPlmn.length > 0)
    spec.additionalPlmns = flags.additionalPlmn;
  if (flags.slice !== undefined && flags.slice.length > 0) spec.slices = flags.slice.map(parseSlice);
  spec.slices ??= [{ sst: 1 }];

  const existing = Array.isArray(spec.cells) ? (spec.cells as Cell[]) : [];
  const cellFlags: Cell = {};
  if (flags.band !== undefined) cellFlags.band = flags.band;
  if (flags.bandwidth !== undefined) cellFlags.bandwidthMHz = flags.bandwidth;
  if (flags.scs !== undefined) cellFlags.scsKHz = flags.scs;
  const count = flags.cells ?? (existing.length > 0 ? existing.length : 1);
  const cells = resizeCells(existing.length > 0 ? existing : [{}], count).map((c) => ({
    ...c,
    ...cellFlags,
  }));
  if (existing.length > 0 || Object.keys(cellFlags).length > 0 || flags.cells !== undefined)
    spec.cells = cells;
  return spec;
}
