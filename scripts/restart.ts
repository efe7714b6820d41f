/**
 * `npm run --silent restart -- <mdp.json> <ε> <out.json>`: writes the MDP with SPEC §1's restart
 * transform P_ε = (1 − ε)P + εU(S) applied (lib/mdp/restart.ts `withRestart`), the fix the
 * ergodicity check names. Invalid input: exit 2, one line on stderr.
 */
import { loadMdp, MdpFormatError, writeMdp } from "../lib/mdp/format";
import { withRestart } from "../lib/mdp/restart";

const args = process.argv.slice(2);
const epsilon = Number(args[1]);
if (args.length !== 3 || !(epsilon > 0 && epsilon < 1)) {
  process.stderr.write(`usage: npm run --silent restart -- <mdp.json> <ε in (0, 1)> <out.json>${args.length === 3 ? ` (got ε = ${JSON.stringify(args[1])})` : ""}\n`);
  process.exit(2);
}
try {
  const mdp = withRestart(loadMdp(args[0]), epsilon);
  writeMdp(args[2], mdp);
  process.stderr.write(`wrote ${args[2]} (restart ε = ${mdp.source!.restart})\n`);
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(e instanceof MdpFormatError ? 2 : 1);
}
