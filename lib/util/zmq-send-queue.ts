/**
 * Keeps the tslab kernel alive through zeromq.js's send limit. zeromq.js (6.x) resolves at
 * most 512 sends per socket synchronously; it then delays one send until the event loop
 * turns, and any send issued meanwhile throws EBUSY ("Socket is busy writing"). tslab never
 * awaits its sends, so the 513th iopub message of a session, if another follows in the same
 * tick (a progress update, a stream write, the 'idle' status), crashes the kernel; the
 * paper run of notebook 04 died that way.
 *
 * `installSendQueue()` wraps send on the Publisher (iopub) and Router (shell, control)
 * prototypes (the native Socket#send is read-only, so the wrapper shadows it): a send that
 * would throw EBUSY is queued and sent, in order, once the pending send completes. Sends that
 * can go out immediately still do, so progress stays live. Installed by the modules every
 * notebook imports first.
 */

type Send = (this: object, msg: unknown) => Promise<void>;

/** Per-socket state (socket objects are not extensible): messages waiting, and the last send issued. */
interface SendState {
  queue: unknown[];
  last?: Promise<void>;
}

let installed = false;

export function installSendQueue(): void {
  if (installed) return;
  installed = true;
  let zmq: { Publisher: { prototype: object }; Router: { prototype: object } };
  try {
    zmq = require("zeromq");
  } catch {
    return;
  }
  const original = (Object.getPrototypeOf(zmq.Publisher.prototype) as { send: Send }).send;
  const states = new WeakMap<object, SendState>();
  const stateOf = (sock: object) => {
    let st = states.get(sock);
    if (!st) states.set(sock, (st = { queue: [] }));
    return st;
  };

  const drain = async (sock: object, st: SendState) => {
    while (st.queue.length > 0) {
      try {
        await st.last;
      } catch {
        /* the failed send's owner saw nothing either; keep the order going */
      }
      try {
        st.last = original.call(sock, st.queue[0]);
        st.queue.shift();
      } catch (e) {
        if ((e as { code?: string }).code !== "EBUSY") {
          st.queue.shift();
          process.stderr.write(`[neural-ppo-companion] dropped a kernel message: ${(e as Error).message}\n`);
        } else await new Promise((r) => setImmediate(r));
      }
    }
  };

  const send = function (this: object, msg: unknown): Promise<void> {
    const st = stateOf(this);
    if (st.queue.length > 0) {
      st.queue.push(msg);
      return Promise.resolve();
    }
    try {
      st.last = original.call(this, msg);
      return st.last;
    } catch (e) {
      if ((e as { code?: string }).code !== "EBUSY") throw e;
      st.queue.push(msg);
      void drain(this, st);
      return Promise.resolve();
    }
  };
  for (const cls of [zmq.Publisher, zmq.Router]) Object.defineProperty(cls.prototype, "send", { value: send, writable: true, configurable: true });
}
