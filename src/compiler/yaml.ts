/**
 * YAML emission for Kubernetes objects: block style in kubectl's layout (sequences not
 * indented under their key), keys in insertion order, and a style table naming the keys
 * whose values (or list items) are written inline. (A table rather than marks on the
 * objects: a WeakSet of 80 000 marked objects cost more GC time than the emission.)
 *
 * Why not `yaml`'s stringify: it needs > 1 s for a 1000-node PipelineRun (its node
 * tree), and compile must stay well under that. The `yaml` package still checks this
 * emitter: tests parse every output back with it (YAML 1.1 and 1.2) and compare.
 *
 * Scalars are written so YAML 1.1 readers (go-yaml in Kubernetes, PyYAML) and 1.2
 * readers agree: anything that could read as a bool (`yes`, `on`, `n`), null, number,
 * timestamp or sexagesimal (`1:20`) is quoted; plain only for a conservative safe set.
 */

/** Keys whose value is written inline (`runAfter: [a, b]`), or whose list items are (`- {name: A, value: x}`). */
export interface IYamlStyle {
  flow?: ReadonlySet<string>;
  flowItems?: ReadonlySet<string>;
}

const BLOCK: IYamlStyle = {};

/** One YAML document (no `---`). */
export function toYaml(value: unknown, style: IYamlStyle = BLOCK): string {
  return Private.write([value], '', style);
}

/** Multi-document YAML, each document introduced by `---`. */
export function toMultiDocumentYaml(values: unknown[], style: IYamlStyle = BLOCK): string {
  return Private.write(values, '---', style);
}

/** Whether the emitter writes `text` as it is without a look at its caches (exported for tests). */
export function isCommonPlainScalar(text: string): boolean {
  return Private.isCommonPlain(text);
}

/** A scalar as YAML text (exported for tests). */
export function formatScalar(value: unknown, inFlow = false): string {
  return Private.scalar(value, inFlow);
}

namespace Private {
  const SPECIAL_PLAIN = new Set([
    'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO',
    'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
    'on', 'On', 'ON', 'off', 'Off', 'OFF',
    '~', 'null', 'Null', 'NULL', '=', '<<'
  ]);
  /**
   * Printable ASCII, not starting with an indicator, a digit, a sign or a dot (numbers,
   * `.inf`; the `yaml` package even reads a lone "." as NaN in 1.1 mode).
   */
  const PLAIN_BLOCK = /^[A-Za-z_/$(\\^][\x20-\x7e]*$/;
  /** In flow context PyYAML (YAML 1.1) also ends a plain scalar at "?" and ":". */
  const FLOW_INDICATOR = /[,[\]{}?:]/;
  /**
   * Strings that are plain in block and flow context alike whatever they hold, but for a
   * trailing space and the special words (see isCommonPlain): letters, digits, `_ ./()$-`.
   */
  const COMMON_PLAIN = /^[A-Za-z_/$(][\w ./()$-]*$/;
  /** Everything a literal block cannot carry verbatim (controls other than tab/newline, line separators, BOM). */
  const NOT_LITERAL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]/;

  /**
   * Formatted strings, bounded so a long session cannot grow them forever, kept in the
   * shape the emitter writes them: a `key: value` line is two pieces (`\n    key:` and
   * ` value`, see keyLine and tailText) rather than four. Joining costs about as much
   * per piece as a `+` does, so pieces per line is what the emitter's time goes by.
   * (Most strings of a task skip them: see isCommonPlain.)
   */
  const tailCache = new Map<string, string>();
  const flowCache = new Map<string, string>();
  /** Flow map keys as written first (`name: `) and after another entry (`, name: `). */
  const flowKeyCache = new Map<string, string>();
  const flowNextKeyCache = new Map<string, string>();
  const CACHE_LIMIT = 100000;

  function isPlainBlock(text: string): boolean {
    return (
      PLAIN_BLOCK.test(text) &&
      !SPECIAL_PLAIN.has(text) &&
      !text.endsWith(' ') &&
      !text.endsWith(':') &&
      !text.includes(': ') &&
      !text.includes(' #')
    );
  }

  function format(text: string, inFlow: boolean): string {
    const plain = isPlainBlock(text) && !(inFlow && FLOW_INDICATOR.test(text));
    return plain ? text : doubleQuoted(text);
  }

  /**
   * A quick test that `text` is written as it is, in block and flow context: true for task
   * names, file names and the like; false for some strings that are plain too (those go
   * through `format` and its caches). The caches of formatted text pay for themselves on
   * strings shared by many tasks (images, scripts); a task's own strings are new on every
   * compile, so their lookup hashed and compared them with the cached copy, in a table
   * that at 5000 tasks no longer fits the CPU caches (~3x slower than this test).
   */
  export function isCommonPlain(text: string): boolean {
    return (
      COMMON_PLAIN.test(text) &&
      text.charCodeAt(text.length - 1) !== 0x20 &&
      (text.length > 5 || !SPECIAL_PLAIN.has(text)) // the special words are all 5 characters or shorter
    );
  }

  function remember(cache: Map<string, string>, text: string, formatted: string): string {
    if (cache.size >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.set(text, formatted);
    return formatted;
  }

  function string(text: string, inFlow: boolean): string {
    if (isCommonPlain(text)) {
      return text;
    }
    if (!inFlow) {
      return format(text, false);
    }
    return flowCache.get(text) ?? remember(flowCache, text, format(text, true));
  }

  /**
   * A block map key with its colon and the indentation before it (`    name:`), or the
   * sequence dash (`  - name:`): the start of a line in one piece. By key column.
   */
  const keyLines: Map<string, string>[] = [];
  const dashKeyLines: Map<string, string>[] = [];
  /** The same with the space before a plain scalar (`    name: `), see entries. */
  const keySpaceLines: Map<string, string>[] = [];
  const dashKeySpaceLines: Map<string, string>[] = [];
  let keyLineCount = 0;

  function keyLine(width: number, dash: boolean, key: string, space = false): string {
    const byWidth = space ? (dash ? dashKeySpaceLines : keySpaceLines) : dash ? dashKeyLines : keyLines;
    let text = byWidth[width]?.get(key);
    if (text === undefined) {
      if (++keyLineCount > CACHE_LIMIT) {
        keyLines.length = 0;
        dashKeyLines.length = 0;
        keySpaceLines.length = 0;
        dashKeySpaceLines.length = 0;
        keyLineCount = 1;
      }
      text = lineStart(width, dash) + format(key, false) + (space ? ': ' : ':');
      (byWidth[width] ?? (byWidth[width] = new Map<string, string>())).set(key, text);
    }
    return text;
  }

  /** A flow map key with its colon and space, and the comma before it unless `first`. */
  function flowKeyText(key: string, first: boolean): string {
    const cache = first ? flowKeyCache : flowNextKeyCache;
    return cache.get(key) ?? remember(cache, key, (first ? '' : ', ') + string(key, true) + ': ');
  }

  /** A block scalar as the rest of its line (` value`). */
  function tailText(value: unknown): string {
    if (typeof value !== 'string') {
      return ' ' + scalar(value, false);
    }
    return tailCache.get(value) ?? remember(tailCache, value, ' ' + format(value, false));
  }

  export function doubleQuoted(text: string): string {
    // JSON escapes are valid YAML double-quoted escapes; add what JSON leaves raw.
    return JSON.stringify(text).replace(
      /[\x7f-\x9f\u2028\u2029\ufeff]/g,
      ch => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0')
    );
  }

  export function scalar(value: unknown, inFlow: boolean): string {
    if (value === null) {
      return 'null';
    }
    switch (typeof value) {
      case 'boolean':
        return value ? 'true' : 'false';
      case 'number':
        if (!Number.isFinite(value)) {
          throw new Error(`cannot write ${value} as YAML`);
        }
        // YAML 1.1 floats need a dot before the exponent ("1.0e+21", not "1e+21").
        return String(value).replace(/^(-?[0-9]+)e/, '$1.0e');
      case 'string':
        return string(value, inFlow);
      default:
        throw new Error(`cannot write a ${typeof value} as a YAML scalar`);
    }
  }

  /** A literal block header and lines for `text`, or null when it must be double-quoted. */
  function literal(text: string): { header: string; lines: string[] } | null {
    if (NOT_LITERAL.test(text) || /^[ \t]/.test(text) || text.trim() === '') {
      return null;
    }
    let body = text;
    let header = '|';
    if (!text.endsWith('\n')) {
      header = '|-';
    } else if (text.endsWith('\n\n')) {
      header = '|+';
      body = text.slice(0, -1);
    } else {
      body = text.slice(0, -1);
    }
    const lines = body.split('\n');
    // A whitespace-only line cannot be told apart from indentation; leave those to quotes.
    for (const line of lines) {
      if (line !== '' && line.trim() === '') {
        return null;
      }
    }
    return { header, lines };
  }

  function isMap(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }

  function isEmptyMap(map: Record<string, unknown>): boolean {
    for (const key in map) {
      if (map[key] !== undefined) {
        return false;
      }
    }
    return true;
  }

  /** Scalars and empty collections are always written inline. */
  function isInline(value: unknown): boolean {
    if (Array.isArray(value)) {
      return value.length === 0;
    }
    if (isMap(value)) {
      return isEmptyMap(value);
    }
    return true;
  }

  function hasMultiLine(value: unknown): boolean {
    if (typeof value === 'string') {
      return value.includes('\n');
    }
    if (value && typeof value === 'object') {
      for (const key in value as Record<string, unknown>) {
        if (hasMultiLine((value as Record<string, unknown>)[key])) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Line starts by indentation width, built once, each with the line break that ends the
   * line before (see write): `lineStart(n, false)` is `'\n' + spaces(n)`, a map key after a
   * sequence dash (`lineStart(n, true)`: `'\n' + spaces(n - 2) + '- '`) and a bare dash
   * (`dash(n)`: `'\n' + spaces(n) + '-'`). (Built per line they were a third of the
   * emitter's allocation.)
   */
  const SPACES: string[] = [''];
  const NEWLINE_SPACES: string[] = [];
  const DASH_SPACE: string[] = [];
  const DASH: string[] = [];

  function spaces(width: number): string {
    while (SPACES.length <= width) {
      SPACES.push(SPACES[SPACES.length - 1] + ' ');
    }
    return SPACES[width];
  }

  /** What precedes a map key in column `width`: a line break and spaces, and the dash of a sequence item. */
  function lineStart(width: number, dash: boolean): string {
    if (!dash) {
      return NEWLINE_SPACES[width] ?? (NEWLINE_SPACES[width] = '\n' + spaces(width));
    }
    return DASH_SPACE[width] ?? (DASH_SPACE[width] = '\n' + spaces(width - 2) + '- ');
  }

  function dash(width: number): string {
    return DASH[width] ?? (DASH[width] = '\n' + spaces(width) + '-');
  }

  const LITERAL_HEADER: Record<string, string> = { '|': ' |', '|-': ' |-', '|+': ' |+' };

  let style: IYamlStyle = BLOCK;

  /**
   * The text is written as pieces (mostly strings that already exist: keys, cached
   * scalars, indentation) into one reused array, joined every PIECES pieces into a flat
   * chunk; the chunks are joined at the end. Concatenating with `+` instead made a cons
   * string per piece (and intermediate ones per line): 6.7 KB of garbage per task for
   * 0.8 KB of output, and a rope that every young-generation GC had to copy. `join` costs
   * about the same per piece as `+`, so fewer pieces per line is what makes it faster.
   * (4096: a chunk is then ~70 KB. With 8192 it was ~140 KB, over V8's 128 KB limit for
   * ordinary objects, so each chunk went to the large-object space (pages of its own,
   * promoted whole): 5000-node compile ~62 -> ~54 ms, YAML alone a little faster too.
   * With larger arrays `join` was slower and allocated more.)
   */
  const PIECES = 4096;
  let pieces: string[] = [];
  let count = 0;
  let chunks: string[] = [];
  /**
   * Text of frozen (shared, immutable) objects written inline, per call: the `envFrom`
   * of every step. As the rest of a line (` [...]`) and within one (`[...]`).
   */
  let frozenLine = new Map<object, string>();
  let frozenInline = new Map<object, string>();
  /** Block text of frozen maps, per call, by object and place (the start of its first line). */
  let frozenBlocks = new Map<object, Map<string, string>>();
  /**
   * Literal blocks as written, per call, by text and with their indentation: separate
   * Task objects each carry the same three step scripts.
   */
  let literalBlocks = new Map<string, { indent: number; text: string }>();

  function put(text: string): void {
    pieces[count++] = text;
    if (count === PIECES) {
      chunks.push(pieces.join(''));
      count = 0;
    }
  }

  /** Everything written so far as one string. */
  function finish(): string {
    pieces.length = count;
    chunks.push(pieces.join(''));
    return chunks.length === 1 ? chunks[0] : chunks.join('');
  }

  /**
   * Writes `value` in flow style (`[a, b]`, `{name: A, value: x}`); as the rest of a
   * line (` [a, b]`) when `line`, with the space in its first piece.
   */
  function inline(value: unknown, line: boolean): void {
    if (typeof value !== 'object' || value === null) {
      if (line) {
        put(' ');
      }
      put(scalar(value, true));
      return;
    }
    if (Object.isFrozen(value)) {
      // Shared by every task (see steps.ts): format it once per call.
      const memo = line ? frozenLine : frozenInline;
      let text = memo.get(value);
      if (text === undefined) {
        const outer = startCapture();
        collection(value, line);
        text = endCapture(outer);
        memo.set(value, text);
      }
      put(text);
      return;
    }
    collection(value, line);
  }

  /** An array or map in flow style, as `inline` writes it. */
  function collection(value: object, line: boolean): void {
    if (Array.isArray(value)) {
      put(line ? ' [' : '[');
      for (let i = 0; i < value.length; i++) {
        if (i) {
          put(', ');
        }
        inline(value[i], false);
      }
      put(']');
      return;
    }
    put(line ? ' {' : '{');
    let first = true;
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) {
        put(flowKeyText(key, first));
        inline(item, false);
        first = false;
      }
    }
    put('}');
  }

  /**
   * Writes `item` as the rest of a line whose start (indentation and `key:`, or a dash)
   * is written already.
   */
  function value(item: unknown, indent: number, inlineItem: boolean, key?: string): void {
    if (typeof item === 'string') {
      // A string is a literal block when it can be, else a scalar in any context; the
      // cache holds only the latter, so a hit needs no further look at the text.
      const tail = tailCache.get(item);
      if (tail !== undefined) {
        put(tail);
        return;
      }
      const written = literalBlocks.get(item);
      if (written !== undefined && written.indent === indent) {
        put(written.text);
        return;
      }
      const block = item.includes('\n') ? literal(item) : null;
      if (block) {
        const outer = startCapture();
        literalLines(block.header, block.lines, indent);
        const text = endCapture(outer);
        literalBlocks.set(item, { indent, text });
        put(text);
        return;
      }
      put(tailText(item));
      return;
    }
    if (inlineItem || isInline(item) || (key !== undefined && style.flow?.has(key))) {
      if (typeof item === 'object' && item !== null) {
        inline(item, true);
      } else {
        put(tailText(item));
      }
      return;
    }
    if (Array.isArray(item)) {
      // kubectl layout: a sequence under a key is not indented further.
      sequence(item, indent, key !== undefined && style.flowItems?.has(key) === true);
    } else {
      map(item as Record<string, unknown>, indent + 2, false);
    }
  }

  function literalLines(header: string, lines: string[], indent: number): void {
    put(LITERAL_HEADER[header]);
    const inner = lineStart(indent + 2, false);
    for (const line of lines) {
      if (line !== '') {
        put(inner);
        put(line);
      } else {
        put('\n');
      }
    }
  }

  /** A map's entries, keys at `indent`; the first after a sequence dash (`- key:`) when `dashFirst`. */
  function map(object: Record<string, unknown>, indent: number, dashFirst: boolean): void {
    if (Object.isFrozen(object)) {
      // Shared by many tasks (a step template): write it once per call and place.
      const place = lineStart(indent, dashFirst);
      let byPlace = frozenBlocks.get(object);
      let text = byPlace?.get(place);
      if (text === undefined) {
        const outer = startCapture();
        entries(object, indent, dashFirst);
        text = endCapture(outer);
        if (!byPlace) {
          frozenBlocks.set(object, (byPlace = new Map()));
        }
        byPlace.set(place, text);
      }
      put(text);
      return;
    }
    entries(object, indent, dashFirst);
  }

  function entries(object: Record<string, unknown>, indent: number, dashFirst: boolean): void {
    let dash = dashFirst;
    for (const key in object) {
      const item = object[key];
      if (item === undefined) {
        continue;
      }
      if (typeof item === 'string' && isCommonPlain(item)) {
        // As it is, after `    key: ` (no cache lookup, see isCommonPlain).
        put(keyLine(indent, dash, key, true));
        put(item);
      } else {
        put(keyLine(indent, dash, key));
        value(item, indent, false, key);
      }
      dash = false;
    }
  }

  /**
   * Writing to a string of its own, for the memos: `startCapture`, write, then
   * `endCapture` with what the start returned. (Not a callback: a function that creates
   * a closure allocates its context on every call, and these run per line.) On a throw
   * `write` resets the whole state.
   */
  interface IOuterText {
    pieces: string[];
    count: number;
    chunks: string[];
  }

  function startCapture(): IOuterText {
    const outer = { pieces, count, chunks };
    pieces = [];
    count = 0;
    chunks = [];
    return outer;
  }

  function endCapture(outer: IOuterText): string {
    const text = finish();
    ({ pieces, count, chunks } = outer);
    return text;
  }

  function sequence(items: unknown[], indent: number, flowItems = false): void {
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      // Items of a flow-items list are inline unless they carry a multi-line string.
      const inlineItems = flowItems && !hasMultiLine(item);
      if (!inlineItems && isMap(item) && !isInline(item)) {
        // `- key: value` with the following keys aligned under the first.
        map(item, indent + 2, true);
      } else if (!inlineItems && Array.isArray(item) && !isInline(item)) {
        put(dash(indent));
        sequence(item, indent + 2);
      } else {
        put(dash(indent));
        value(item, indent, inlineItems);
      }
    }
  }

  function document(item: unknown): void {
    if (isMap(item) && !isInline(item)) {
      map(item, 0, false);
    } else if (Array.isArray(item) && !isInline(item)) {
      sequence(item, 0);
    } else {
      put('\n');
      inline(item, false);
    }
  }

  /**
   * The YAML of `items`, each introduced by a `separator` line ('' for a single document).
   *
   * Every line starts with the line break that ends the line before it (`'\n    key:'`),
   * and the last one gets its own: a line that ends in a nested block (`steps:`) or a
   * literal block's line needs no piece of its own for its line break (~15% fewer pieces
   * per task, and pieces are what `join` spends its time on).
   */
  export function write(items: readonly unknown[], separator: string, rootStyle: IYamlStyle): string {
    style = rootStyle;
    // Its final size from the start: growing it piece by piece reallocated it a dozen times.
    pieces = new Array<string>(PIECES);
    try {
      const nextSeparator = '\n' + separator;
      for (let i = 0; i < items.length; i++) {
        if (separator) {
          put(i ? nextSeparator : separator);
        }
        document(items[i]);
      }
      if (items.length) {
        put('\n');
      }
      const text = finish();
      // Without a separator the first line's break has nothing to end.
      return separator ? text : text.slice(1);
    } finally {
      pieces = [];
      count = 0;
      chunks = [];
      frozenLine = new Map();
      frozenInline = new Map();
      frozenBlocks = new Map();
      literalBlocks = new Map();
      style = BLOCK;
    }
  }
}
