// CI budget on timer economy: counts, not times, so the machine's noise cannot make it flaky.
import { ours } from '../bench/timers.mjs';

const row = await ours();
const problems = [];
if (row.callbacks > 3) problems.push(`${row.callbacks} timer callbacks per hour of activity (budget 3)`);
if (row.inHandlers !== 0) problems.push(`${row.inHandlers} timer calls inside event handlers (budget 0)`);
if (row.idleAfter !== 30) problems.push(`idle reported ${row.idleAfter} min after activity stopped (expected 30)`);
console.log(`timer budget: ${row.callbacks} callbacks/h, ${row.calls} calls/h, ${row.inHandlers} in handlers, idle after ${row.idleAfter} min`);
if (problems.length) {
  console.error(`Timer budget exceeded: ${problems.join('; ')}`);
  process.exit(1);
}
