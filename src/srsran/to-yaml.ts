// Writes a srsRAN config as YAML with every string double-quoted, so PLMNs ("00101"), all-digit MACs and
// address placeholders reach srsRAN's parser as the exact text we mean.
import { stringify } from "yaml";

export function toSrsranYaml(config: object, header: string): string {
  const body = stringify(config, {
    defaultStringType: "QUOTE_DOUBLE",
    defaultKeyType: "PLAIN",
    lineWidth: 0,
  });
  return `# ${header}\n${body}`;
}
