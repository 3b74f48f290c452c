/**
 * Go's float formatting (strconv / fmt), so obsgen can predict exactly what an alert
 * annotation renders to inside Prometheus: `{{ $value }}` is %v, humanize is %.4g,
 * printf "%.2f" is %f with exact half-to-even rounding of the binary value.
 */

interface Digits {
  /** Decimal digits without leading zeros (empty for zero). */
  d: string;
  /** Position of the decimal point: value = 0.d * 10^dp. */
  dp: number;
}

/** The exact decimal expansion of a finite double. */
function exactDigits(value: number): Digits {
  if (value === 0) return { d: '', dp: 0 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(value));
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  let text: string;
  let fracDigits = 0;
  if (exp >= 0) text = (mant << BigInt(exp)).toString();
  else {
    text = (mant * 5n ** BigInt(-exp)).toString();
    fracDigits = -exp;
  }
  // value = text * 10^-fracDigits
  let dp = text.length - fracDigits;
  let d = text.replace(/0+$/, '');
  const lead = d.length - d.replace(/^0+/, '').length;
  d = d.slice(lead);
  dp -= lead;
  return { d, dp };
}

/** Shortest digits that round-trip, as Go's strconv with precision -1 (same as JS). */
function shortestDigits(value: number): Digits {
  if (value === 0) return { d: '', dp: 0 };
  const [mant, e] = Math.abs(value).toExponential().split('e') as [string, string];
  const d = mant.replace('.', '').replace(/0+$/, '');
  return { d, dp: Number(e) + 1 };
}

/** Rounds to `nd` significant digits (nd may be <= 0), half to even on the exact value. */
function roundDigits(x: Digits, nd: number): Digits {
  if (nd < 0) return { d: '', dp: x.dp };
  if (x.d.length <= nd) return x;
  const keep = x.d.slice(0, nd);
  const next = x.d[nd]!;
  const rest = x.d.slice(nd + 1);
  let up: boolean;
  if (next > '5') up = true;
  else if (next < '5') up = false;
  else if (/[1-9]/.test(rest)) up = true;
  else up = nd > 0 && Number(keep[nd - 1]) % 2 === 1;
  if (!up) return { d: keep.replace(/0+$/, ''), dp: x.dp };
  // Increment the kept digits.
  const arr = keep.split('').map(Number);
  let i = arr.length - 1;
  while (i >= 0 && arr[i] === 9) {
    arr[i] = 0;
    i--;
  }
  if (i < 0) return { d: '1', dp: x.dp + 1 };
  arr[i]! += 1;
  return { d: arr.join('').replace(/0+$/, ''), dp: x.dp };
}

function special(value: number): string | undefined {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return undefined;
}

function fmtE(neg: boolean, x: Digits, prec: number): string {
  let s = neg ? '-' : '';
  s += x.d.length > 0 ? x.d[0] : '0';
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += i < x.d.length ? x.d[i] : '0';
  }
  const exp = x.d.length === 0 ? 0 : x.dp - 1;
  const abs = Math.abs(exp);
  return `${s}e${exp < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : String(abs)}`;
}

function fmtF(neg: boolean, x: Digits, prec: number): string {
  let s = neg ? '-' : '';
  if (x.dp > 0) {
    for (let i = 0; i < x.dp; i++) s += i < x.d.length ? x.d[i] : '0';
  } else s += '0';
  if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) {
      const j = x.dp + i;
      s += j >= 0 && j < x.d.length ? x.d[j] : '0';
    }
  }
  return s;
}

/** Go's strconv.FormatFloat(v, 'g', prec, 64); prec -1 is the shortest form (%v). */
export function formatG(value: number, prec = -1): string {
  const sp = special(value);
  if (sp) return sp;
  const neg = value < 0 || Object.is(value, -0);
  const shortest = prec < 0;
  let digs: Digits;
  if (shortest) {
    digs = shortestDigits(value);
    prec = digs.d.length;
  } else {
    if (prec === 0) prec = 1;
    digs = roundDigits(exactDigits(value), prec);
  }
  let eprec = prec;
  if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length;
  if (shortest) eprec = 6;
  const exp = digs.dp - 1;
  if (digs.d.length > 0 && (exp < -4 || exp >= eprec)) {
    if (prec > digs.d.length) prec = digs.d.length;
    return fmtE(neg, digs, prec - 1);
  }
  if (prec > digs.dp) prec = digs.d.length;
  return fmtF(neg, digs, Math.max(prec - digs.dp, 0));
}

/** Go's %.Nf. */
export function formatF(value: number, prec: number): string {
  const sp = special(value);
  if (sp) return sp;
  const neg = value < 0 || Object.is(value, -0);
  const x = exactDigits(value);
  const digs = roundDigits(x, x.dp + prec);
  return fmtF(neg, digs.d.length === 0 ? { d: '', dp: 0 } : digs, prec);
}

/** Go's %.Ne. */
export function formatE(value: number, prec: number): string {
  const sp = special(value);
  if (sp) return sp;
  return fmtE(value < 0, roundDigits(exactDigits(value), prec + 1), prec);
}

// ---- Prometheus template functions (template/template.go) ----

export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return formatG(v, 4);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return formatG(v, 4) + prefix;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return formatG(v, 4) + prefix;
}

export function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return formatG(v, 4);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return formatG(v, 4) + prefix;
}

export function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return formatG(v, 4);
  if (v === 0) return `${formatG(v, 4)}s`;
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    const duration = Math.trunc(v);
    const seconds = duration % 60;
    const minutes = Math.trunc(duration / 60) % 60;
    const hours = Math.trunc(duration / 3600) % 24;
    const days = Math.trunc(duration / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${formatG(v, 4)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${formatG(v, 4)}${prefix}s`;
}

export function humanizePercentage(v: number): string {
  return `${formatG(v * 100, 4)}%`;
}
