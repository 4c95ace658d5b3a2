// Prints the plain closing line `N passed, N failed, N skipped` that CI log readers understand;
// jest's own "Tests: 4 passed, 4 total" is not one of the recognised formats.
module.exports = class SummaryReporter {
  onRunComplete(_ctx, r) {
    const skipped = r.numPendingTests + r.numTodoTests;
    const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
    process.stdout.write(`\ntests: ${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
  }
};
