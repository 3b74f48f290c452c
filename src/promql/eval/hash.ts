/**
 * labels.Hash() of Prometheus's default (stringlabels) build: xxHash64 over the label set's
 * encoding (per label, sorted by name: size-prefixed name, size-prefixed value). limit_ratio
 * samples series by where this hash falls in [0, 1], so matching it keeps the same series.
 */
import { namesOf, type Labels } from './labels.ts';

const M = (1n << 64n) - 1n;
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;

const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M;
const round = (acc: bigint, input: bigint) => (rotl((acc + input * P2) & M, 31n) * P1) & M;
const mergeRound = (acc: bigint, val: bigint) => ((((acc ^ round(0n, val)) * P1) & M) + P4) & M;

function u64(b: Uint8Array, i: number): bigint {
  let v = 0n;
  for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(b[i + k]!);
  return v;
}

function u32(b: Uint8Array, i: number): bigint {
  return BigInt((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16)) >>> 0) + (BigInt(b[i + 3]!) << 24n);
}

/** xxHash64 with seed 0 (github.com/cespare/xxhash/v2 Sum64). */
export function xxhash64(b: Uint8Array): bigint {
  const n = b.length;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = (P1 + P2) & M;
    let v2 = P2;
    let v3 = 0n;
    let v4 = (0n - P1) & M;
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, u64(b, i));
      v2 = round(v2, u64(b, i + 8));
      v3 = round(v3, u64(b, i + 16));
      v4 = round(v4, u64(b, i + 24));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M;
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else h = P5;
  h = (h + BigInt(n)) & M;
  for (; i + 8 <= n; i += 8) {
    h ^= round(0n, u64(b, i));
    h = ((rotl(h, 27n) * P1) & M) + P4;
    h &= M;
  }
  if (i + 4 <= n) {
    h ^= (u32(b, i) * P1) & M;
    h = ((rotl(h, 23n) * P2) & M) + P3;
    h &= M;
    i += 4;
  }
  for (; i < n; i++) {
    h ^= (BigInt(b[i]!) * P5) & M;
    h = (rotl(h, 11n) * P1) & M;
  }
  h ^= h >> 33n;
  h = (h * P2) & M;
  h ^= h >> 29n;
  h = (h * P3) & M;
  h ^= h >> 32n;
  return h;
}

const enc = new TextEncoder();

function pushSized(out: number[], s: string): void {
  const bytes = enc.encode(s);
  const v = bytes.length;
  if (v < 255) out.push(v);
  else out.push(255, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff);
  for (const x of bytes) out.push(x);
}

/** labels.Hash() of the stringlabels encoding. */
export function labelsHash(l: Labels): bigint {
  const out: number[] = [];
  for (const n of namesOf(l)) {
    pushSized(out, n);
    pushSized(out, l[n]!);
  }
  return xxhash64(Uint8Array.from(out));
}

/** HashRatioSampler.SampleOffset: float64(hash) / float64(MaxUint64). */
export function ratioSampleOffset(l: Labels): number {
  return Number(labelsHash(l)) / 18446744073709551615;
}
