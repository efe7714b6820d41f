/** `npm run testbeds`: regenerate data/mdp/*.json from their specs and seeds (lib/mdp/testbeds.ts). */
import { writeTestbeds } from "../lib/mdp/testbeds";

for (const path of writeTestbeds()) process.stdout.write(`wrote ${path}\n`);
