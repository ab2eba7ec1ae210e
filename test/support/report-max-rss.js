// Preloaded into a CLI under test (node --require): prints the process's peak resident set size on exit, so a test
// can bound the memory of a whole command (Linux reports maxRSS in kilobytes).
"use strict";
process.on("exit", () => process.stderr.write(`\nmaxRSS-kB=${process.resourceUsage().maxRSS}\n`));
