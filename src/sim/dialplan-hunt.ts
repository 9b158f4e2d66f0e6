// mod_dialplan_xml's hunt over a fetched dialplan section (mod_dialplan_xml.c, dialplan_hunt and
// parse_exten), for the simulator: the context (or "global"), each extension in order, each condition
// in order with its break rule, actions when it matches and anti-actions when it does not; a
// condition with `regex="any|all|xor"` tests its `<regex field expression>` children instead. What it
// leaves out: nested conditions, time-of-day conditions, regex captures ($1) and variable expansion in
// application data (the daemon's dialplan uses none of them). Pure.
import { childrenNamed, findChild, type XmlElement } from './xml-tree.js';

export interface DialplanStep {
  application: string;
  data: string;
}

/** What a condition's `field` reads: a caller profile field by name, or `${variable}`. */
export type FieldReader = (field: string) => string;

type Break = 'on-false' | 'on-true' | 'always' | 'never';

function breakRule(value: string | undefined): Break {
  return value === 'on-true' || value === 'always' || value === 'never' ? value : 'on-false';
}

function steps(condition: XmlElement, tag: 'action' | 'anti-action'): DialplanStep[] {
  return childrenNamed(condition, tag).map((a) => ({
    application: a.attrs['application'] ?? '',
    data: a.attrs['data'] ?? '',
  }));
}

/** One field/expression test; an unset `${variable}` reads as "" (switch_channel_expand_variables). */
function test(field: string | undefined, expression: string | undefined, read: FieldReader): boolean {
  if (field === undefined && expression === undefined) return true; // an absolute condition
  let re: RegExp;
  try {
    re = new RegExp(expression ?? '');
  } catch {
    return false;
  }
  return re.test(field === undefined ? '' : read(field));
}

function matches(condition: XmlElement, read: FieldReader): boolean {
  const rule = condition.attrs['regex']?.toLowerCase();
  if (rule === undefined) return test(condition.attrs['field'], condition.attrs['expression'], read);
  // parse_exten: `all` needs every child to pass, `xor` exactly one, anything else (`any`) one or more
  const results = childrenNamed(condition, 'regex').map((r) =>
    test(r.attrs['field'], r.attrs['expression'], read),
  );
  const passed = results.filter(Boolean).length;
  if (rule === 'all') return passed === results.length;
  if (rule === 'xor') return passed === 1;
  return passed > 0;
}

/** The applications one extension adds (empty when its first condition fails without anti-actions). */
export function runExtension(extension: XmlElement, read: FieldReader): DialplanStep[] {
  const out: DialplanStep[] = [];
  for (const condition of childrenNamed(extension, 'condition')) {
    const ok = matches(condition, read);
    out.push(...steps(condition, ok ? 'action' : 'anti-action'));
    const rule = breakRule(condition.attrs['break']);
    if (rule === 'always' || (rule === 'on-false' && !ok) || (rule === 'on-true' && ok)) break;
  }
  return out;
}

/** The steps the call runs, from the dialplan `section` of a fetched document, for `context`. */
export function huntDialplan(section: XmlElement, context: string, read: FieldReader): DialplanStep[] {
  const ctx =
    findChild(section, 'context', 'name', context) ?? findChild(section, 'context', 'name', 'global');
  const out: DialplanStep[] = [];
  for (const extension of childrenNamed(ctx, 'extension')) {
    const added = runExtension(extension, read);
    out.push(...added);
    if (added.length > 0 && extension.attrs['continue'] !== 'true') break;
  }
  return out;
}
