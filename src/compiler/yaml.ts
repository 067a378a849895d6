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
  return Private.root(value, style);
}

/** Multi-document YAML, each document introduced by `---`. */
export function toMultiDocumentYaml(values: unknown[], style: IYamlStyle = BLOCK): string {
  let out = '';
  for (const value of values) {
    out += '---\n' + Private.root(value, style);
  }
  return out;
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
  /** Everything a literal block cannot carry verbatim (controls other than tab/newline, line separators, BOM). */
  const NOT_LITERAL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]/;

  /** Formatted strings, block and flow context; bounded so a long session cannot grow it forever. */
  const blockCache = new Map<string, string>();
  const flowCache = new Map<string, string>();
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

  function string(text: string, inFlow: boolean): string {
    const cache = inFlow ? flowCache : blockCache;
    let formatted = cache.get(text);
    if (formatted === undefined) {
      const plain = isPlainBlock(text) && !(inFlow && FLOW_INDICATOR.test(text));
      formatted = plain ? text : doubleQuoted(text);
      if (cache.size >= CACHE_LIMIT) {
        cache.clear();
      }
      cache.set(text, formatted);
    }
    return formatted;
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

  function inline(value: unknown): string {
    if (Array.isArray(value)) {
      let text = '[';
      for (let i = 0; i < value.length; i++) {
        text += (i ? ', ' : '') + inline(value[i]);
      }
      return text + ']';
    }
    if (isMap(value)) {
      let text = '{';
      let first = true;
      for (const key in value) {
        const item = value[key];
        if (item !== undefined) {
          text += (first ? '' : ', ') + scalar(key, true) + ': ' + inline(item);
          first = false;
        }
      }
      return text + '}';
    }
    if (typeof value === 'string' && value.includes('\n')) {
      return doubleQuoted(value);
    }
    return scalar(value, true);
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

  let style: IYamlStyle = BLOCK;

  /**
   * The text being written, in flat chunks of about 64 KiB. A single growing string is a
   * rope of tens of thousands of pieces that every young-generation GC has to copy, which
   * made a 5000-node document take more than 5 × the time of a 1000-node one.
   */
  let out = '';
  let chunks: string[] = [];
  const CHUNK = 1 << 16;

  function flush(): void {
    if (out.length >= CHUNK) {
      // Slicing flattens the rope into one sequential string.
      chunks.push((' ' + out).slice(1));
      out = '';
    }
  }

  /** Writes `item` as the rest of a line that starts with `prefix` (a key and colon, or a dash). */
  function value(item: unknown, indent: string, prefix: string, inlineItem: boolean, key?: string): void {
    if (typeof item === 'string' && item.includes('\n')) {
      const block = literal(item);
      if (block) {
        out += prefix + ' ' + block.header + '\n';
        const inner = indent + '  ';
        for (const line of block.lines) {
          out += line === '' ? '\n' : inner + line + '\n';
        }
        return;
      }
    }
    if (inlineItem || isInline(item) || (key !== undefined && style.flow?.has(key))) {
      out += prefix + ' ' + (typeof item === 'object' && item !== null ? inline(item) : scalar(item, false)) + '\n';
      return;
    }
    out += prefix + '\n';
    if (Array.isArray(item)) {
      // kubectl layout: a sequence under a key is not indented further.
      sequence(item, indent, key !== undefined && style.flowItems?.has(key) === true);
    } else {
      map(item as Record<string, unknown>, indent + '  ', indent + '  ');
    }
  }

  function map(object: Record<string, unknown>, indent: string, first: string): void {
    let lead = first;
    for (const key in object) {
      const item = object[key];
      if (item !== undefined) {
        value(item, indent, lead + scalar(key, false) + ':', false, key);
        lead = indent;
      }
    }
  }

  function sequence(items: unknown[], indent: string, flowItems = false): void {
    for (const item of items) {
      // Items of a flow-items list are inline unless they carry a multi-line string.
      const inlineItems = flowItems && !hasMultiLine(item);
      if (!inlineItems && isMap(item) && !isInline(item)) {
        // `- key: value` with the following keys aligned under the first.
        map(item, indent + '  ', indent + '- ');
        flush();
      } else if (!inlineItems && Array.isArray(item) && !isInline(item)) {
        out += indent + '-\n';
        sequence(item, indent + '  ');
      } else {
        value(item, indent, indent + '-', inlineItems);
      }
    }
  }

  export function root(item: unknown, rootStyle: IYamlStyle): string {
    out = '';
    chunks = [];
    style = rootStyle;
    try {
      if (isMap(item) && !isInline(item)) {
        map(item, '', '');
      } else if (Array.isArray(item) && !isInline(item)) {
        sequence(item, '');
      } else {
        out = inline(item) + '\n';
      }
      chunks.push(out);
      return chunks.join('');
    } finally {
      out = '';
      chunks = [];
      style = BLOCK;
    }
  }
}
