/**
 * Many small writes as few statements: a write asked for while another is under way waits and
 * goes with the others that arrived meanwhile, in the next. Each caller's promise settles when
 * the statement that carried its item has committed (or failed), so nothing is reported written
 * before it is; an item waits at most for the statement under way before its own.
 */
export function coalesced<T>(write: (items: T[]) => Promise<void>): (item: T) => Promise<void> {
  let waiting: Array<{ item: T; settle: (error?: unknown) => void }> = [];
  let writing = false;
  const drain = async () => {
    writing = true;
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      const error = await write(batch.map((w) => w.item)).then(() => undefined, (e: unknown) => e ?? new Error('write failed'));
      for (const w of batch) w.settle(error);
    }
    writing = false;
  };
  return (item) => new Promise<void>((resolve, reject) => {
    waiting.push({ item, settle: (error) => (error === undefined ? resolve() : reject(error)) });
    if (!writing) void drain();
  });
}
