// An upper bound on how many RE2 instructions a user pattern compiles to, read from its text in one pass.
// RE2 matches in linear time, but compiling `(a|b|c){999}` repeated expands every counted repetition: a
// 1 KB pattern can reach a million instructions and a second of compile time, so size is checked first.

/** The open group being read: the finished alternatives' sizes, the current one's, and its last atom's. */
interface Frame {
  alternatives: number;
  branches: number;
  current: number;
  last: number;
}

const COUNTED = /^\{(\d{1,6})(?:(,)(\d{0,6}))?\}/;

const newFrame = (): Frame => ({ alternatives: 0, branches: 0, current: 0, last: 0 });

/** The frame's alternatives and the splits between them; an empty alternative is still one empty-width step. */
const body = (frame: Frame): number => frame.alternatives + Math.max(frame.current, 1) + frame.branches;

/** A group's size when it closes: its body and the capture's two slots. */
const closed = (frame: Frame): number => body(frame) + 2;

/** The index just past an escape starting at `i` (a backslash): `\x{..}`, `\p{..}`, `\pL`, `\d`, ... */
function escapeEnd(pattern: string, i: number): number {
  const kind = pattern[i + 1];
  if ((kind === 'p' || kind === 'P' || kind === 'x') && pattern[i + 2] === '{') {
    const close = pattern.indexOf('}', i + 3);
    return close < 0 ? pattern.length : close + 1;
  }
  return kind === 'p' || kind === 'P' ? i + 3 : i + 2;
}

/** The index just past a bracket class starting at `i`: a leading `]` (after an optional `^`) is literal. */
function classEnd(pattern: string, i: number): number {
  let j = i + 1;
  if (pattern[j] === '^') j++;
  if (pattern[j] === ']') j++;
  while (j < pattern.length && pattern[j] !== ']') {
    if (pattern[j] === '\\') j = escapeEnd(pattern, j);
    else if (pattern[j] === '[' && pattern[j + 1] === ':') {
      const close = pattern.indexOf(':]', j + 2);
      j = close < 0 ? j + 1 : close + 2;
    } else j++;
  }
  return j + 1;
}

/**
 * Instructions the compiled program can have at most. A literal, class, `.` or escape counts 1, an anchor 1,
 * `* + ?` add 2, `{n,m}` repeats its atom m times (n + 1 for `{n,}`), a group adds its splits and 2.
 * Malformed text still gets a number: RE2 itself refuses it afterwards.
 */
export function estimateProgramSize(pattern: string): number {
  const stack: Frame[] = [newFrame()];
  let top = stack[0] as Frame;
  const atom = (size: number): void => {
    top.current += size;
    top.last = size;
  };
  const repeat = (size: number): void => {
    top.current += size - top.last;
    top.last = size;
  };
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === '\\' && pattern[i + 1] === 'Q') {
      // \Q...\E: every quoted character is one literal.
      const close = pattern.indexOf('\\E', i + 2);
      const end = close < 0 ? pattern.length : close;
      for (let k = i + 2; k < end; k++) atom(1);
      i = close < 0 ? end : end + 2;
    } else if (ch === '\\') {
      atom(1);
      i = escapeEnd(pattern, i);
    } else if (ch === '[') {
      atom(1);
      i = classEnd(pattern, i);
    } else if (ch === '(') {
      const close = pattern.indexOf(')', i);
      const flagsOnly = pattern[i + 1] === '?' && close > 0 && /^\(\?[a-zA-Z-]*\)$/.test(pattern.slice(i, close + 1));
      if (flagsOnly) i = close + 1;
      else {
        top = newFrame();
        stack.push(top);
        i++;
      }
    } else if (ch === ')') {
      if (stack.length > 1) {
        const size = closed(stack.pop() as Frame);
        top = stack[stack.length - 1] as Frame;
        atom(size);
      }
      i++;
    } else if (ch === '|') {
      top.alternatives += Math.max(top.current, 1);
      top.branches++;
      top.current = 0;
      top.last = 0;
      i++;
    } else if (ch === '*' || ch === '+' || ch === '?') {
      repeat(top.last + 2);
      i += pattern[i + 1] === '?' ? 2 : 1;
    } else if (ch === '{' && COUNTED.test(pattern.slice(i, i + 16))) {
      const [text = '', low = '0', comma, high] = COUNTED.exec(pattern.slice(i, i + 16)) ?? [];
      const min = Number(low);
      const max = comma === undefined ? min : high === '' || high === undefined ? min + 1 : Number(high);
      repeat(Math.max(max, 1) * top.last + Math.max(max - min, 0) + 2);
      i += text.length + (pattern[i + text.length] === '?' ? 1 : 0);
    } else {
      atom(1);
      i++;
    }
  }
  while (stack.length > 1) {
    const size = closed(stack.pop() as Frame);
    top = stack[stack.length - 1] as Frame;
    atom(size);
  }
  // Every program also has its fail and match instructions.
  return body(top) + 2;
}
