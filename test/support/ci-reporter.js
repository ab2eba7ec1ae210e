// Mocha's spec output plus the plain closing line CI reads: "N passed, N failed".
const { Spec } = require("mocha").reporters;
const { EVENT_RUN_END } = require("mocha").Runner.constants;

class CiReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes = 0, failures = 0, pending = 0 } = this.stats;
      process.stdout.write(`\n${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ""}\n`);
    });
  }
}

module.exports = CiReporter;
