// Pulumi entry point: `pulumi up --stack dev`. Everything lives in stack/program.ts so the offline tools can run it too.
import { program } from "./stack/program";

export = program();
