/**
 * `npm run --silent exact -- <mdp.json>`: one JSON object on stdout with the exact Q, V, ν of
 * π_0 and π*, and L(π_0), L(π*). nuKind says how ν was defined ("unique-stationary", or
 * "cesaro-limit-from-uniform" for a chain that is not irreducible). Invalid input: exit 2,
 * one line on stderr.
 */
import { loadMdp, MdpFormatError } from "../lib/mdp/format";
import { exactSummary } from "../lib/mdp/summary";

const args = process.argv.slice(2);
if (args.length !== 1) {
  process.stderr.write("usage: npm run --silent exact -- <mdp.json>\n");
  process.exit(2);
}
try {
  process.stdout.write(JSON.stringify(exactSummary(loadMdp(args[0]))) + "\n");
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(e instanceof MdpFormatError ? 2 : 1);
}
