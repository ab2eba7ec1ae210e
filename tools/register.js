// Runs the tools' (and tests') TypeScript from source through ts-node with SWC as its transpiler: about half the CPU
// of ts-node's own transpile-only mode on every start, which the CLIs, stand-ins and test processes pay many times
// over. Types are checked by `npm run typecheck`, never here. Only our own processes load this file; a Pulumi
// program keeps Pulumi's runner and its type check (Pulumi.yaml), so `pulumi up` still stops on a type error.
"use strict";
const path = require("node:path");

require("ts-node").register({ transpileOnly: true, swc: true, project: path.join(__dirname, "..", "tsconfig.json") });
