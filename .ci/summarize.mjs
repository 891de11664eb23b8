// Adds up the vitest and Playwright JSON reports into one closing "N passed, N failed" line.
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
let passed = 0;
let failed = 0;
for (const file of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  if (file === 'failed-steps.txt') {
    // A step that failed without running tests (type-check, lint, build) counts as one failure.
    failed += fs.readFileSync(path.join(dir, file), 'utf8').split('\n').filter((l) => l && !/tests/.test(l)).length;
    continue;
  }
  const report = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  if (file.startsWith('vitest')) {
    passed += report.numPassedTests ?? 0;
    failed += (report.numFailedTests ?? 0) + (report.numRuntimeErrorTests ?? 0);
  } else if (report.stats) {
    passed += (report.stats.expected ?? 0) + (report.stats.flaky ?? 0);
    failed += (report.stats.unexpected ?? 0) + (report.errors?.length ?? 0);
  }
}
console.log(`${passed} passed, ${failed} failed`);
