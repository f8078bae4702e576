/** A small in-memory Web Locks (one page's view; `exclusive`/`shared`, abort signals, query). */
export function fakeLocks() {
  type Request = { name: string; mode: LockMode; grant: () => void; signal?: AbortSignal };
  const held: { name: string; mode: LockMode }[] = [];
  let pending: Request[] = [];
  const grantable = (r: Request) =>
    !held.some((h) => h.name === r.name && (h.mode === 'exclusive' || r.mode === 'exclusive'));
  const pump = () => {
    for (const r of [...pending]) {
      if (pending[0] && pending.find((p) => p.name === r.name) !== r) continue; // FIFO per name
      if (!grantable(r)) continue;
      pending = pending.filter((p) => p !== r);
      r.grant();
    }
  };
  const manager = {
    request(name: string, ...args: unknown[]) {
      const [options, callback] = (args.length === 1 ? [{}, args[0]] : args) as [LockOptions, (lock: unknown) => unknown];
      const mode = options.mode ?? 'exclusive';
      return new Promise((resolve, reject) => {
        if (options.signal?.aborted) return reject(new DOMException('aborted', 'AbortError'));
        const r: Request = {
          name, mode, signal: options.signal,
          grant: () => {
            const lock = { name, mode };
            held.push(lock);
            Promise.resolve()
              .then(() => callback(lock))
              .then(resolve, reject)
              .finally(() => {
                held.splice(held.indexOf(lock), 1);
                pump();
              });
          },
        };
        options.signal?.addEventListener('abort', () => {
          if (!pending.includes(r)) return;
          pending = pending.filter((p) => p !== r);
          reject(new DOMException('aborted', 'AbortError'));
        });
        pending.push(r);
        pump();
      });
    },
    query: async () => ({ held: held.map((h) => ({ ...h })), pending: pending.map(({ name, mode }) => ({ name, mode })) }),
  };
  return { manager, held: () => held.map((h) => h.name), pending: () => pending.map((p) => p.name) };
}
