/**
 * Exact decimal arithmetic for thresholds and objectives, so 99.9% gives an error
 * budget of 0.001 and never 0.0009999999999999432. A value is digits * 10^-scale.
 */
export class Decimal {
  private constructor(
    readonly digits: bigint,
    readonly scale: number,
  ) {}

  static from(value: number | string | Decimal): Decimal {
    if (value instanceof Decimal) return value;
    const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
    const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
    if (!m) throw new Error(`not a decimal number: ${JSON.stringify(value)}`);
    const frac = m[3] ?? '';
    const digits = BigInt((m[1] ?? '') + m[2] + frac);
    return new Decimal(digits, frac.length).normalize();
  }

  private normalize(): Decimal {
    let { digits, scale } = this;
    while (scale > 0 && digits % 10n === 0n) {
      digits /= 10n;
      scale--;
    }
    return digits === this.digits ? this : new Decimal(digits, scale);
  }

  private static align(a: Decimal, b: Decimal): [bigint, bigint, number] {
    const scale = Math.max(a.scale, b.scale);
    return [a.digits * 10n ** BigInt(scale - a.scale), b.digits * 10n ** BigInt(scale - b.scale), scale];
  }

  add(other: number | string | Decimal): Decimal {
    const [x, y, scale] = Decimal.align(this, Decimal.from(other));
    return new Decimal(x + y, scale).normalize();
  }

  sub(other: number | string | Decimal): Decimal {
    const [x, y, scale] = Decimal.align(this, Decimal.from(other));
    return new Decimal(x - y, scale).normalize();
  }

  mul(other: number | string | Decimal): Decimal {
    const o = Decimal.from(other);
    return new Decimal(this.digits * o.digits, this.scale + o.scale).normalize();
  }

  /** Division rounded half-up to `precision` fractional digits (exact when it terminates sooner). */
  div(other: number | string | Decimal, precision = 18): Decimal {
    const o = Decimal.from(other);
    if (o.digits === 0n) throw new Error('division by zero');
    // (a / 10^sa) / (b / 10^sb) = a * 10^(sb + precision - sa) / b * 10^-precision
    const shift = o.scale + precision - this.scale;
    let num = this.digits;
    let den = o.digits;
    if (shift >= 0) num *= 10n ** BigInt(shift);
    else den *= 10n ** BigInt(-shift);
    const negative = num < 0n !== den < 0n;
    if (num < 0n) num = -num;
    if (den < 0n) den = -den;
    let q = num / den;
    if ((num % den) * 2n >= den) q += 1n;
    return new Decimal(negative ? -q : q, precision).normalize();
  }

  cmp(other: number | string | Decimal): number {
    const [x, y] = Decimal.align(this, Decimal.from(other));
    return x < y ? -1 : x > y ? 1 : 0;
  }

  isZero(): boolean {
    return this.digits === 0n;
  }

  toNumber(): number {
    return Number(this.toString());
  }

  /** Plain decimal notation, no exponent: what goes into PromQL. */
  toString(): string {
    const negative = this.digits < 0n;
    let s = (negative ? -this.digits : this.digits).toString();
    if (this.scale > 0) {
      s = s.padStart(this.scale + 1, '0');
      s = `${s.slice(0, s.length - this.scale)}.${s.slice(s.length - this.scale)}`;
    }
    return negative ? `-${s}` : s;
  }
}

/** A JS number in plain notation from its shortest round-trip digits (1e-7 -> "0.0000001"). */
export function numberToPlain(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  const text = String(value);
  const m = /^(-)?(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const sign = m[1] ?? '';
  const digits = m[2]! + (m[3] ?? '');
  const exp = Number(m[4]) - (m[3]?.length ?? 0);
  if (exp >= 0) return sign + digits + '0'.repeat(exp);
  const point = digits.length + exp;
  if (point > 0) return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${sign}0.${'0'.repeat(-point)}${digits}`;
}

/** How a threshold is printed in PromQL and YAML: exact, plain, shortest. */
export function formatNumber(value: number | Decimal): string {
  return value instanceof Decimal ? value.toString() : numberToPlain(value);
}
