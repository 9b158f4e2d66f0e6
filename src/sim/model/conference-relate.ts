// `conference <name> relate <ids> <other ids> nospeak|nohear|clear`: who hears and speaks to whom,
// with conference_api_sub_relate's replies (and its listing form without an action).
import type { Conference } from './conference.js';
import { atoi } from './conference-member-commands.js';
import type { CommandResult } from './conference-table.js';
import { bad, ok } from './conference-table.js';

export function relateCommand(conf: Conference, argv: string[]): CommandResult {
  if (argv.length <= 3) {
    const rels = conf.members.flatMap((m) => m.relationships.map((r) => ({ m, r })));
    if (rels.length === 0) return ok('+OK No relationships\n');
    if (argv.length !== 3) return ok('');
    const ids = new Set((argv[2] ?? '').split(',').map((s) => atoi(s)));
    return ok(
      rels
        .filter(({ m }) => ids.has(m.id) || ids.has(0))
        .map(
          ({ m, r }) =>
            `${m.id} -> ${r.otherId} ${r.canSpeak ? 'SPEAK ' : 'NOSPEAK '}${r.canHear ? 'HEAR ' : 'NOHEAR '}NOSENDVIDEO \n`,
        )
        .join(''),
    );
  }
  if (argv.length <= 4) return bad();
  const action = argv[4]!;
  const nospeak = action.includes('nospeak');
  const nohear = action.includes('nohear');
  const clear = action.toLowerCase() === 'clear';
  if (!(clear || nospeak || nohear)) return bad();
  let out = '';
  for (const idText of argv[2]!.split(',')) {
    for (const otherText of argv[3]!.split(',')) {
      const id = atoi(idText) >>> 0;
      const oid = atoi(otherText) >>> 0;
      const member = conf.member(id);
      if (clear) {
        if (member) {
          member.relationships.splice(
            0,
            member.relationships.length,
            ...member.relationships.filter((r) => r.otherId !== oid),
          );
          out += `+OK relationship ${id}->${oid} cleared.\n`;
        } else out += `-ERR relationship ${id}->${oid} not found.\n`;
      }
      if (nospeak || nohear) {
        const other = conf.member(oid);
        if (!member || !other) {
          out += `-ERR relationship ${id}->${oid} not found.\n`;
          continue;
        }
        let rel = member.relationships.find((r) => r.otherId === oid);
        if (!rel) {
          rel = { otherId: oid, canSpeak: true, canHear: true };
          member.relationships.push(rel);
        }
        rel.canSpeak = !nospeak;
        rel.canHear = !nohear;
        out += `+OK ${id}->${oid} ${action} set\n`;
      }
    }
  }
  return ok(out);
}
