/**
 * The pinned images (issue 12, item 13): every pin is documented with its reason in
 * docs/images.md, the compose file uses exactly those pins, and no pin is a release whose
 * notes name a bug that breaks what obsgen emits.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { defineStack, probes, synth, bundleFiles } from 'obsgen';
import { IMAGES } from '../../src/stack/schema.ts';
import { BLACKBOX_IMAGE } from '../../src/scrape/provide.ts';

const pins = [...Object.values(IMAGES), BLACKBOX_IMAGE];
const doc = readFileSync(join(import.meta.dirname, '../../docs/images.md'), 'utf8');

/** Releases whose notes name a bug in what obsgen's bundles rely on, and the fixed release. */
const BROKEN: Record<string, string> = {
  // Inhibitions un-muted alerts when one of several matching sources resolved (fixed in v0.34.1).
  'prom/alertmanager:v0.34.0': 'inhibition',
};

describe('pinned images', () => {
  it('are exact releases, each with a row in docs/images.md giving the same tag', () => {
    for (const image of pins) {
      const [repo, tag] = image.split(':') as [string, string];
      expect(tag, image).toMatch(/^v?\d+\.\d+\.\d+$/);
      expect(doc, image).toMatch(new RegExp(`\\| \`${repo.replace('/', '\\/')}\` \\| \`${tag.replace(/\./g, '\\.')}\` \\| \\d{4}-\\d{2}-\\d{2} \\| \\S`));
    }
  });

  it('avoid releases with known bugs in what the bundle relies on', () => {
    for (const image of pins) expect(BROKEN[image], image).toBeUndefined();
  });

  it('are what the compose file runs', () => {
    // Sharded, so the long-term store and vmalert run too (docs/ha.md).
    const bundle = synth(defineStack({ name: 'pins', prometheus: { shards: 2, longTermStore: { kind: 'victoriametrics' } }, mixins: [probes({ targets: ['https://shop.example.com'] })] }));
    const compose = parse(bundleFiles(bundle).files.get('docker-compose.yml')!);
    const images = [...new Set(Object.values(compose.services as Record<string, { image: string }>).map((s) => s.image))].sort();
    expect(images).toEqual([...pins].sort());
  });
});
