/**
 * jsdom lacks what React Flow measures with; these stand-ins report a fixed size so that
 * nodes render (React Flow hides unmeasured nodes) — the same stand-ins xyflow's own tests use.
 */
export function installLayoutStubs(): void {
  // Browsers (and dagre) have structuredClone; jest's jsdom environment does not expose Node's.
  if (typeof (globalThis as any).structuredClone !== 'function') {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const v8 = require('v8');
    (globalThis as any).structuredClone = (value: unknown) => v8.deserialize(v8.serialize(value));
  }
  class ResizeObserverStub {
    constructor(private _callback: ResizeObserverCallback) {}
    observe(target: Element): void {
      this._callback([{ target } as unknown as ResizeObserverEntry], this as unknown as ResizeObserver);
    }
    unobserve(): void {
      /* nothing to do */
    }
    disconnect(): void {
      /* nothing to do */
    }
  }
  (globalThis as any).ResizeObserver = ResizeObserverStub;
  class DOMMatrixReadOnlyStub {
    m22: number;
    constructor(transform?: string) {
      const scale = transform?.match(/scale\(([1-9.])\)/)?.[1];
      this.m22 = scale !== undefined ? +scale : 1;
    }
  }
  (globalThis as any).DOMMatrixReadOnly = DOMMatrixReadOnlyStub;
  Object.defineProperties(HTMLElement.prototype, {
    offsetWidth: { configurable: true, get: () => 800 },
    offsetHeight: { configurable: true, get: () => 600 }
  });
  (SVGElement.prototype as any).getBBox = () => ({ x: 0, y: 0, width: 0, height: 0 });
}
