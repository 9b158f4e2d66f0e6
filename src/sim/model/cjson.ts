// Prints JSON the way cJSON (inside FreeSWITCH) does: cJSON_Print indents with tabs and writes
// `"key":\tvalue`; cJSON_PrintUnformatted writes no whitespace at all. Key order is insertion order.

export type CJson = string | number | boolean | null | CJson[] | { [key: string]: CJson };

function str(s: string): string {
  return JSON.stringify(s);
}

export function cjsonPrint(value: CJson, depth = 0): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return str(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map((v) => cjsonPrint(v, depth + 1)).join(', ')}]`;
  const entries = Object.entries(value);
  const inner = '\t'.repeat(depth + 1);
  const lines = entries.map(
    ([k, v], i) => `${inner}${str(k)}:\t${cjsonPrint(v, depth + 1)}${i < entries.length - 1 ? ',' : ''}`,
  );
  return `{\n${lines.join('\n')}${lines.length ? '\n' : ''}${'\t'.repeat(depth)}}`;
}

export function cjsonPrintUnformatted(value: CJson): string {
  if (value === null || typeof value !== 'object') return cjsonPrint(value);
  if (Array.isArray(value)) return `[${value.map(cjsonPrintUnformatted).join(',')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${str(k)}:${cjsonPrintUnformatted(v)}`)
    .join(',')}}`;
}
