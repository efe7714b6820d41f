/**
 * `npm run --silent exact -- <mdp.json>`: one JSON object on stdout with the exact Q, V, ν of
 * π_0 and π*, and L(π_0), L(π*). nuKind says how ν was defined ("unique-stationary", or
 * "cesaro-limit-from-uniform" for a chain that is not irreducible). Invalid input: exit 2,
 * one line on stderr. An MDP that is not ergodic under π_0 or π* is still reported, with a
 * warning line on stderr that L is degenerate there (lib/mdp/ergodicity.ts).
 */
import { loadMdp, MdpFormatError } from "../lib/mdp/format";
import { exactSummary } from "../lib/mdp/summary";
import { listStates, policyErgodicity } from "../lib/mdp/ergodicity";
import { optimalPolicy, uniformPolicy } from "../lib/mdp/exact";

const args = process.argv.slice(2);
if (args.length !== 1) {
  process.stderr.write("usage: npm run --silent exact -- <mdp.json>\n");
  process.exit(2);
}
try {
  const mdp = loadMdp(args[0]);
  process.stdout.write(JSON.stringify(exactSummary(mdp)) + "\n");
  for (const [name, pi] of [["π_0", uniformPolicy(mdp)], ["π*", optimalPolicy(mdp).policy]] as const) {
    const check = policyErgodicity(mdp, pi);
    if (!check.ergodic)
      process.stderr.write(
        `warning: ${args[0]}: not ergodic under ${name} (${check.classes.length} closed classes; zero mass in states ${listStates(check.zeroMass)}): ν is a Cesàro limit (nuKind) and L(π) = E_ν*[V^π] is degenerate; apply the restart transform (npm run restart, SPEC §1)\n`,
      );
  }
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(e instanceof MdpFormatError ? 2 : 1);
}
