// What each usage and each module costs, min+brotli with esbuild (dependencies included): the
// usages of bench/usages.mjs, and each optional signal as the difference it makes to the last one.
// A diagnostic for size work; `npm run size` holds the budgets. `node bench/size-breakdown.mjs`.
import { usageSize } from '../scripts/size.mjs';
import { SIGNALS, USAGES } from './usages.mjs';

export async function sizeBreakdown() {
  const usages = [];
  for (const [name, { target }, code] of USAGES) usages.push({ name, target, brotli: (await usageSize(code)).brotli });
  const [, , every] = USAGES.at(-1);
  const whole = usages.at(-1).brotli;
  const modules = [];
  for (const [name, call] of SIGNALS) {
    // The same app without this signal: its call replaced by nothing (or, for an activity source, dropped).
    const without = every.replace(call, 'undefined').replace('requestActivity()]', ']').replace(', undefined]', ']');
    modules.push({ module: name, brotli: whole - (await usageSize(without)).brotli });
  }
  // The kernel alone, and what SessionManager adds (the token and the tabs) to it.
  const core = usages[0].brotli;
  const manager = (await usageSize(`import { SessionManager } from 'sessionwarden'; new SessionManager({}).start();`)).brotli;
  const kernel = (await usageSize(`import { SessionCore } from 'sessionwarden'; new SessionCore({}).start();`)).brotli;
  modules.unshift({ module: 'SessionManager over SessionCore (jwtToken, sharedTabs, the option slots)', brotli: manager - kernel });
  return { usages, modules, core };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { usages, modules } = await sizeBreakdown();
  for (const u of usages) console.log(`${String(u.brotli).padStart(5)} B  ${u.name} (target ${u.target})`);
  for (const m of modules) console.log(`${String(m.brotli).padStart(5)} B  ${m.module}`);
}
