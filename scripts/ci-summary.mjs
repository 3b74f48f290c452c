// Sums vitest JSON reports into the one closing line CI reads: "N passed, N failed".
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
// Steps outside vitest (e.g. `npm run build`) that failed, passed as --extra-failed=N.
const args = process.argv.slice(2);
for (const a of args) if (a.startsWith('--extra-failed=')) failed += Number(a.split('=')[1]) || 0;
for (const file of args.filter((a) => !a.startsWith('--'))) {
  if (!existsSync(file)) {
    console.error(`ci-summary: ${file} missing: its run did not finish; counting it as 1 failure`);
    failed++;
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  if ((r.numFailedTestSuites ?? 0) > 0 && (r.numFailedTests ?? 0) === 0) failed += r.numFailedTestSuites;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
