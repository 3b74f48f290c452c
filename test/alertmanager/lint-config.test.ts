/** lint runs the same Alertmanager validation as the build on plain alertmanager.yml files. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromFiles, lintInput } from '../../src/lint/index.ts';
import { tempDir } from '../helpers.ts';

describe('obsgen lint --alertmanager', () => {
  it('reports values Alertmanager refuses, at their line, with the id alertmanager/<check>', () => {
    const dir = tempDir();
    const file = join(dir, 'alertmanager.yml');
    writeFileSync(
      file,
      [
        'route:',
        '  receiver: team',
        '  routes:',
        '    - matchers: [\'severity="warning"\']',
        '      receiver: team',
        '      mute_time_intervals: [nights]',
        'receivers:',
        '  - name: team',
        '    webhook_configs:',
        '      - url: https://bot:hunter2@hooks.example.com/x',
        'time_intervals:',
        '  - name: nights',
        '    time_intervals:',
        '      - times:',
        '          - start_time: "22:00"',
        '            end_time: "25:00"',
        '        location: Europe/Atlantis',
        '',
      ].join('\n'),
    );
    const findings = lintInput(fromFiles({ alertmanager: file })).filter((f) => f.id.startsWith('alertmanager/'));
    const got = findings.map((f) => [f.id, f.line]);
    expect(got).toEqual(expect.arrayContaining([['alertmanager/secret-in-url', 10], ['alertmanager/time-interval', 16], ['alertmanager/time-interval', 17]]));
    expect(findings.find((f) => f.line === 16)!.message).toMatch(/end_time: "25:00" is not a time of day/);
    expect(JSON.stringify(findings)).not.toContain('hunter2');
  });
});
