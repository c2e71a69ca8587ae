// Kubernetes resource quantities ("500m", "2", "4Gi", "128974848") as millicores and MiB.
const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

export function parseQuantity(text: string): number {
  const match = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(text.trim());
  if (match === null) throw new RangeError(`"${text}" is not a Kubernetes quantity`);
  const value = Number(match[1]);
  const suffix = match[2] ?? "";
  const factor = BINARY[suffix] ?? DECIMAL[suffix];
  if (factor === undefined || Number.isNaN(value))
    throw new RangeError(`"${text}" is not a Kubernetes quantity`);
  return value * factor;
}

export function cpuMillis(text: string | undefined): number {
  return text === undefined ? 0 : Math.round(parseQuantity(text) * 1000);
}

export function memoryMiB(text: string | undefined): number {
  return text === undefined ? 0 : Math.floor(parseQuantity(text) / 2 ** 20);
}
