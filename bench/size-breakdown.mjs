// What each usage and each module costs, min+brotli with esbuild (dependencies included), in the
// production build an app's bundler picks (and the development build beside it): the usages of
// bench/usages.mjs, each optional signal as the difference it makes to the last one, and the two
// dependencies alone. A diagnostic for size work; `npm run size` holds the budgets.
// `node bench/size-breakdown.mjs`.
import { usageSize } from '../scripts/size.mjs';
import { SIGNALS, USAGES } from './usages.mjs';

export async function sizeBreakdown() {
  const usages = [];
  for (const [name, { target }, code] of USAGES) {
    usages.push({ name, target, brotli: (await usageSize(code)).brotli, development: (await usageSize(code, 'development')).brotli });
  }
  const [, , every] = USAGES.at(-1);
  const whole = usages.at(-1).brotli;
  // (the last usage: every signal, serverEvents() included)
  const modules = [];
  for (const [name, call] of SIGNALS) {
    // The same app without this signal: its call replaced by nothing (or, for an activity source, dropped).
    const without = every.replace(call, 'undefined').replace('requestActivity()]', ']').replace(', undefined]', ']').replace('[undefined]', '[]');
    modules.push({ module: name, brotli: whole - (await usageSize(without)).brotli });
  }
  // The kernel alone, and what SessionManager adds (the token and the tabs) to it.
  const manager = (await usageSize(`import { SessionManager } from 'sessionwarden'; new SessionManager({}).start();`)).brotli;
  const kernel = (await usageSize(`import { SessionCore } from 'sessionwarden'; new SessionCore({}).start();`)).brotli;
  modules.unshift({ module: 'SessionManager over SessionCore (jwtToken, sharedTabs, the option slots)', brotli: manager - kernel });
  // The two dependencies, bundled alone as the library uses them.
  const dependencies = {
    'jwt-decode (jwtDecode, InvalidTokenError)': (await usageSize(`import { jwtDecode, InvalidTokenError } from 'jwt-decode'; console.log(jwtDecode, InvalidTokenError);`)).brotli,
    'mitt': (await usageSize(`import mitt from 'mitt'; console.log(mitt);`)).brotli,
  };
  return { usages, modules, core: usages[0].brotli, dependencies };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { usages, modules, dependencies } = await sizeBreakdown();
  for (const u of usages) console.log(`${String(u.brotli).padStart(5)} B  ${u.name} (production; target ${u.target ?? 'none set'}; development ${u.development} B)`);
  for (const m of modules) console.log(`${String(m.brotli).padStart(5)} B  ${m.module}`);
  for (const [name, brotli] of Object.entries(dependencies)) console.log(`${String(brotli).padStart(5)} B  ${name}, alone`);
}
