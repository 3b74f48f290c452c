/**
 * Binary operators as engine.go evaluates them: scalar-scalar, vector-scalar (comparisons keep
 * the vector's value; bool turns them into 0/1), vector-vector with on/ignoring and
 * group_left/group_right (VectorBinop with its error messages), the set operators and the
 * experimental fill modifiers. Arithmetic drops the metric name (changesMetricSchema).
 */
import { COMPARISON_OPS, type BinaryOp, type VectorMatching } from '../ast.ts';
import { deleteLabels, dropMetricName, formatLabels, keepLabels, labelsKey, memo, namesOf, type Labels, withLabels } from './labels.ts';
import { EvalError, UnsupportedError, type Sample } from './values.ts';

const ARITHMETIC: ReadonlySet<BinaryOp> = new Set(['+', '-', '*', '/', '^', '%', 'atan2']);

/** Go's math.Mod: the sign of the dividend, NaN for a zero divisor or an infinite dividend. */
function goMod(a: number, b: number): number {
  return a % b;
}

/** Go's math.Pow where it differs from JS: 1^NaN = 1, (-1)^±Inf = 1. */
export function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (x === -1 && !Number.isFinite(y) && !Number.isNaN(y)) return 1;
  return Math.pow(x, y);
}

/** scalarBinop / vectorElemBinop on floats: [value, keep]. */
export function applyOp(op: BinaryOp, l: number, r: number): [number, boolean] {
  switch (op) {
    case '+': return [l + r, true];
    case '-': return [l - r, true];
    case '*': return [l * r, true];
    case '/': return [l / r, true];
    case '^': return [goPow(l, r), true];
    case '%': return [goMod(l, r), true];
    case 'atan2': return [Math.atan2(l, r), true];
    case '==': return [l, l === r];
    case '!=': return [l, l !== r];
    case '>': return [l, l > r];
    case '<': return [l, l < r];
    case '>=': return [l, l >= r];
    case '<=': return [l, l <= r];
    default:
      throw new UnsupportedError(`operator ${JSON.stringify(op)} applies to native histograms, which obsgen's engine does not evaluate`);
  }
}

export function scalarBinop(op: BinaryOp, l: number, r: number): number {
  const [v, keep] = applyOp(op, l, r);
  return COMPARISON_OPS.has(op) ? (keep ? 1 : 0) : v;
}

export function vectorScalarBinop(op: BinaryOp, vec: Sample[], scalar: number, swap: boolean, returnBool: boolean): Sample[] {
  const out: Sample[] = [];
  const cmp = COMPARISON_OPS.has(op);
  for (const s of vec) {
    const [l, r] = swap ? [scalar, s.v] : [s.v, scalar];
    let [v, keep] = applyOp(op, l, r);
    if (cmp && swap) v = r;
    if (returnBool) {
      v = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
    out.push({ labels: ARITHMETIC.has(op) || returnBool ? dropMetricName(s.labels) : s.labels, v });
  }
  return out;
}

/** The join signature of a series: its `on` labels, or all but `ignoring` labels and the name. */
const specs = new WeakMap<VectorMatching, string>();

/** The memo spec of a matching, built once per expression. */
function matchingSpec(m: VectorMatching): string {
  let s = specs.get(m);
  if (s === undefined) specs.set(m, (s = `${m.card}${m.on ? 'on' : 'ig'}${m.labels.join('\xff')}\xfe${m.include.join('\xff')}`));
  return s;
}

const sigSpecs = new WeakMap<VectorMatching, string>();
const resultSpecs = new WeakMap<VectorMatching, Map<string, string>>();

export function signature(l: Labels, m: VectorMatching): string {
  let spec = sigSpecs.get(m);
  if (spec === undefined) sigSpecs.set(m, (spec = `\x03${matchingSpec(m)}`));
  return memo(l, spec, () => computeSignature(l, m));
}

function computeSignature(l: Labels, m: VectorMatching): string {
  let k = '';
  if (m.on) {
    for (const n of [...m.labels].sort()) if (l[n] !== undefined) k += `${n}\xff${l[n]}\xfe`;
    return k;
  }
  for (const n of namesOf(l)) if (n !== '__name__' && !m.labels.includes(n)) k += `${n}\xff${l[n]}\xfe`;
  return k;
}

function matchLabels(l: Labels, m: VectorMatching): Labels {
  if (m.on) return keepLabels(l, m.labels);
  const drop = ['__name__', ...m.labels];
  return deleteLabels(l, drop);
}

export function setBinop(op: 'and' | 'or' | 'unless', lhs: Sample[], rhs: Sample[], m: VectorMatching): Sample[] {
  if (op === 'and') {
    if (lhs.length === 0 || rhs.length === 0) return [];
    const right = new Set(rhs.map((s) => signature(s.labels, m)));
    return lhs.filter((s) => right.has(signature(s.labels, m)));
  }
  if (op === 'or') {
    if (lhs.length === 0) return [...rhs];
    if (rhs.length === 0) return [...lhs];
    const left = new Set(lhs.map((s) => signature(s.labels, m)));
    return [...lhs, ...rhs.filter((s) => !left.has(signature(s.labels, m)))];
  }
  if (lhs.length === 0 || rhs.length === 0) return [...lhs];
  const right = new Set(rhs.map((s) => signature(s.labels, m)));
  return lhs.filter((s) => !right.has(signature(s.labels, m)));
}

function resultMetric(l: Labels, r: Labels, op: BinaryOp, m: VectorMatching, dropName: boolean): Labels {
  // Remembered per left series, for this right series and operation.
  let byOp = resultSpecs.get(m);
  if (!byOp) resultSpecs.set(m, (byOp = new Map()));
  const opKey = dropName ? `${op}b` : op;
  let spec = byOp.get(opKey);
  if (spec === undefined) byOp.set(opKey, (spec = `\x04${op}${dropName ? 'b' : ''}${matchingSpec(m)}`));
  const byRight = memo(l, spec, () => new WeakMap<Labels, Labels>());
  let out = byRight.get(r);
  if (!out) byRight.set(r, (out = computeResultMetric(l, r, op, m, dropName)));
  return out;
}

function computeResultMetric(l: Labels, r: Labels, op: BinaryOp, m: VectorMatching, dropName: boolean): Labels {
  let out: Labels = dropName || ARITHMETIC.has(op) ? dropMetricName(l) : l;
  if (m.card === 'one-to-one') out = m.on ? keepLabels(out, m.labels) : deleteLabels(out, m.labels);
  if (m.include.length) {
    const set: Record<string, string> = {};
    for (const n of m.include) set[n] = r[n] ?? '';
    out = withLabels(out, set);
  }
  return out;
}

/** VectorBinop: arithmetic and comparison between two instant vectors. */
export function vectorBinop(op: BinaryOp, lhsIn: Sample[], rhsIn: Sample[], m: VectorMatching, returnBool: boolean): Sample[] {
  const fillL = m.fill?.lhs;
  const fillR = m.fill?.rhs;
  if ((lhsIn.length === 0 && rhsIn.length === 0) || ((lhsIn.length === 0 || rhsIn.length === 0) && fillL === undefined && fillR === undefined)) return [];
  const oneToMany = m.card === 'one-to-many';
  const [lhs, rhs] = oneToMany ? [rhsIn, lhsIn] : [lhsIn, rhsIn];
  // As upstream: the fill values are not swapped with the sides.
  const [fillMany, fillOne] = [fillL, fillR];
  const rightSigs = new Map<string, Sample>();
  for (const rs of rhs) {
    const sig = signature(rs.labels, m);
    const dup = rightSigs.get(sig);
    if (dup) {
      let [d1, d2] = [formatLabels(rs.labels), formatLabels(dup.labels)];
      if (d1 > d2) [d1, d2] = [d2, d1];
      throw new EvalError(
        `found duplicate series for the match group ${formatLabels(matchLabels(rs.labels, m))} on the ${oneToMany ? 'left' : 'right'} hand-side of the operation: [${d1}, ${d2}];many-to-many matching not allowed: matching labels must be unique on one side`,
      );
    }
    rightSigs.set(sig, rs);
  }
  const matchedOne = new Set<string>();
  const matchedMany = new Map<string, Set<string>>();
  const out: Sample[] = [];
  const doOp = (ls: Sample, rs: Sample, sig: string) => {
    const [fl, fr] = oneToMany ? [rs.v, ls.v] : [ls.v, rs.v];
    let [v, keep] = applyOp(op, fl, fr);
    if (returnBool) v = keep ? 1 : 0;
    const metric = resultMetric(ls.labels, rs.labels, op, m, returnBool);
    if (m.card === 'one-to-one') {
      if (matchedOne.has(sig)) throw new EvalError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
      matchedOne.add(sig);
    } else {
      const key = labelsKey(metric);
      let set = matchedMany.get(sig);
      if (!set) matchedMany.set(sig, (set = new Set()));
      if (set.has(key)) throw new EvalError('multiple matches for labels: grouping labels must ensure unique matches');
      set.add(key);
    }
    if (!keep && !returnBool) return;
    out.push({ labels: metric, v });
  };
  for (const ls of lhs) {
    const sig = signature(ls.labels, m);
    let rs = rightSigs.get(sig);
    if (!rs) {
      if (fillOne === undefined) continue;
      rs = { labels: matchLabels(ls.labels, m), v: fillOne };
    }
    doOp(ls, rs, sig);
  }
  if (fillMany !== undefined) {
    for (const rs of rhs) {
      const sig = signature(rs.labels, m);
      if (m.card === 'one-to-one' ? matchedOne.has(sig) : (matchedMany.get(sig)?.size ?? 0) > 0) continue;
      doOp({ labels: matchLabels(rs.labels, m), v: fillMany }, rs, sig);
    }
  }
  return out;
}
