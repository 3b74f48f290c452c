// CI's no-tools job leaves out the test files that compare with the real promtool/amtool
// (test/real-tools.json). Prints how many tests that is, per file and why, counted from the
// full run's vitest JSON report (the same files ran there): nothing is skipped silently.
//   node scripts/ci-not-run.mjs .ci-results/unit.json
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const list = JSON.parse(readFileSync(new URL('../test/real-tools.json', import.meta.url), 'utf8'));
const report = process.argv[2] ? JSON.parse(readFileSync(process.argv[2], 'utf8')) : { testResults: [] };
const counts = new Map(report.testResults.map((f) => [relative(process.cwd(), f.name), f.assertionResults.length]));
let total = 0;
const lines = Object.entries(list).map(([file, why]) => {
  const n = counts.get(file);
  total += n ?? 0;
  return `  ${file}: ${n ?? '?'} tests (${why})`;
});
console.log(`no-tools job: did not run ${total} tests in ${lines.length} files, which compare obsgen with the real promtool/amtool/prometheus (they ran in the full suite above):`);
console.log(lines.join('\n'));
