/**
 * Golden dashboard JSON: the files obsgen writes for a few dashboards, byte for byte.
 * Regenerate with UPDATE_GOLDEN=1 npx vitest run test/dashboards/golden.test.ts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synth } from 'obsgen';
import { dashboardFiles } from '../../src/emit/grafana.ts';
import { shopStack } from './fixtures.ts';

const dir = join(import.meta.dirname, 'golden');
const update = process.env.UPDATE_GOLDEN === '1';
const files = dashboardFiles(synth(shopStack()));

describe('golden dashboards', () => {
  for (const uid of ['shop-overview', 'shop-svc-checkout', 'shop-business']) {
    it(`${uid} matches golden/${uid}.json`, () => {
      const path = `grafana/dashboards/shop/${uid}.json`;
      const content = files.get(path);
      expect(content, path).toBeDefined();
      const golden = join(dir, `${uid}.json`);
      if (update) writeFileSync(golden, content!);
      expect(existsSync(golden), `run UPDATE_GOLDEN=1 to create ${golden}`).toBe(true);
      expect(content).toBe(readFileSync(golden, 'utf8'));
    });
  }
});
