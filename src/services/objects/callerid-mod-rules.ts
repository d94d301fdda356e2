// Rules of a caller-id modification (domain/objects/callerid-modification.ts) a column check cannot see: the match
// pattern compiles on the linear-time engine (RE2, domain/user-pattern.ts) and the strip count is 0..32, so a rule
// that is stored is one the CALLERIDMOD step can apply; the column checks already hold the number and name syntax.
import { compileUserPattern, MAX_CALLER_ID_STRIP, type ObjectRow } from '../../domain/index.ts';
import { PbxError } from '../../shared/index.ts';
import type { ObjectRules } from './object-rules.ts';

const WHAT = 'caller id modification';

function check(row: ObjectRow): void {
  const match = row.cm_match;
  if (typeof match === 'string' && match !== '') {
    const pattern = compileUserPattern(match);
    if (!pattern.ok) throw new PbxError('invalid_parameter', `Invalid cm_match for ${WHAT}: ${pattern.error}`);
  }
  const strip = row.cm_strip;
  if (typeof strip === 'number' && (strip < 0 || strip > MAX_CALLER_ID_STRIP)) {
    throw new PbxError('invalid_parameter', `Invalid cm_strip for ${WHAT}: expected 0 to ${MAX_CALLER_ID_STRIP} leading digits`);
  }
}

export const callerIdModRules: ObjectRules = {
  beforeCreate(_ctx, row) {
    // A strip sent empty (null) means none, as the column's fallback does.
    const completed = row.cm_strip === null ? { ...row, cm_strip: 0 } : row;
    check(completed);
    return completed;
  },
  beforeUpdate(_ctx, _current, changes) {
    const completed = changes.cm_strip === null ? { ...changes, cm_strip: 0 } : changes;
    check(completed);
    return completed;
  },
};
