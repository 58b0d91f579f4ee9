// Node 20 lacks Promise.withResolvers (it arrived in Node 22), but
// @moq/qmux and @moq/web-socket-stream call it whenever a session or socket
// wrapper is constructed. Import this module before anything from @moq so the
// method exists by then; on newer runtimes it leaves the native one alone.
if (typeof Promise.withResolvers !== "function") {
  Object.defineProperty(Promise, "withResolvers", {
    configurable: true,
    writable: true,
    // A plain function rather than an arrow so `this` is the constructor it was
    // called on, as the built-in does for Promise subclasses.
    value: function withResolvers() {
      const Ctor = typeof this === "function" ? this : Promise;
      let resolve;
      let reject;
      const promise = new Ctor((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
