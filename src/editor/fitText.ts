/**
 * Shortens a node's one-line texts to their width, ending in "…", measured on a canvas.
 *
 * Why not CSS `text-overflow: ellipsis`: it needs `overflow: hidden`, which gives every
 * label and summary its own clip; with 500 nodes those clips doubled Chromium's per-frame
 * compositing work (Layerize) while a node is dragged (bench/editor, `--trace`).
 */

/**
 * The node's texts: their CSS class (its font is read from the stylesheet) and the width
 * they have in a node (style/base.css: node 200 px, padding 10 px, border 1 px; the label
 * shares its line with the kind badge).
 */
export const NODE_TEXT = {
  label: { className: 'jp-tekton-PipelineEditor-nodeLabel', width: 140 },
  summary: { className: 'jp-tekton-PipelineEditor-nodeSummary', width: 176 }
} as const;

export type NodeTextStyle = (typeof NODE_TEXT)[keyof typeof NODE_TEXT];

const ELLIPSIS = '…';
/** Past this many fitted texts the cache starts over (fonts and texts come and go). */
const MAX_CACHED = 5000;

let context: OffscreenCanvasRenderingContext2D | null | undefined;
/** Font per theme and text style: read once per theme (`theme` changes re-render nodes). */
const fonts = new Map<string, string>();
const fitted = new Map<string, string>();

/**
 * `text` shortened to fit `style.width` pixels; null when text cannot be measured here
 * (no OffscreenCanvas, e.g. jsdom): the caller then lets CSS clip it.
 */
export function fitText(text: string, style: NodeTextStyle, theme = ''): string | null {
  const ctx = measuringContext();
  const font = ctx ? fontOf(style, theme) : null;
  if (!ctx || !font) {
    return null;
  }
  const key = `${font}\u0000${style.width}\u0000${text}`;
  let result = fitted.get(key);
  if (result === undefined) {
    ctx.font = font;
    result = shorten(text, style.width, s => ctx.measureText(s).width);
    if (fitted.size >= MAX_CACHED) {
      fitted.clear();
    }
    fitted.set(key, result);
  }
  return result;
}

/** Longest prefix of `text` plus "…" within `width` (binary search on the length). */
export function shorten(text: string, width: number, measure: (s: string) => number): string {
  if (measure(text) <= width) {
    return text;
  }
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (measure(text.slice(0, mid) + ELLIPSIS) <= width) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  return text.slice(0, low).trimEnd() + ELLIPSIS;
}

function measuringContext(): OffscreenCanvasRenderingContext2D | null {
  if (context === undefined) {
    context = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(1, 1).getContext('2d') : null;
  }
  return context;
}

/** The resolved font of the style's text, or null when the stylesheet is not in effect. */
function fontOf(style: NodeTextStyle, theme: string): string | null {
  const fontKey = `${theme}\u0000${style.className}`;
  let font = fonts.get(fontKey);
  if (!font) {
    // The resolved font of an invisible copy of the node's text (JupyterLab's sizes are
    // in em: only the browser knows the pixels).
    const editor = document.createElement('div');
    editor.className = 'jp-tekton-PipelineEditor';
    editor.style.cssText = 'position:absolute;visibility:hidden;pointer-events:none';
    const node = editor.appendChild(document.createElement('div'));
    node.className = 'jp-tekton-PipelineEditor-node';
    const text = node.appendChild(document.createElement('div'));
    text.className = style.className;
    document.body.appendChild(editor);
    const css = getComputedStyle(text);
    // Our stylesheet (or the theme's variables) not in effect yet: measure nothing now.
    const styled = css.whiteSpace === 'nowrap' && css.getPropertyValue('--jp-ui-font-size1').trim() !== '';
    font = `${css.fontStyle} ${css.fontWeight} ${css.fontSize} ${css.fontFamily}`;
    editor.remove();
    if (!styled) {
      return null;
    }
    fonts.set(fontKey, font);
  }
  return font;
}
