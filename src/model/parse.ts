/**
 * Reading and writing `.pipeline` files. Reading never throws: every problem becomes a
 * diagnostic, and `document` is null only when the file cannot be shown as a pipeline.
 */
import { parseJson, utf8Length } from './json';
import { migratePipeline } from './migrate';
import { checkDocumentContent, checkDocumentShape } from './structure';
import type { IDiagnostic, IPipelineFlowDocument } from './types';

export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

export interface IParseOptions {
  /** Largest accepted file size in bytes (UTF-8). Default 20 MB. */
  maxBytes?: number;
}

/**
 * Diagnostics of parsePipeline: errors for what makes the file unreadable (document
 * null) and for broken structure inside a readable one (links to missing nodes, missing
 * sub-pipelines, values of the wrong JSON type); warnings for what migration or cleanup
 * noticed. Invalid but well-typed values (memory -2, a bad image name) are reported by
 * validatePipeline, which repeats all of these checks.
 */
export interface IParseResult {
  /** The migrated document, or null when it cannot be used (see diagnostics). */
  document: IPipelineFlowDocument | null;
  diagnostics: IDiagnostic[];
  /**
   * app_data version found in the file (8 for current files). Lower means the document
   * was migrated in memory and differs from the file until saved.
   */
  fromVersion?: number;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

export function parsePipeline(text: string, options: IParseOptions = {}): IParseResult {
  try {
    return parseUnsafe(text, options);
  } catch (error) {
    // Not expected; a guarantee for the editor, which must never crash on a file.
    return {
      document: null,
      diagnostics: [
        {
          severity: 'error',
          code: 'internal-error',
          message: `The pipeline could not be read: ${error instanceof Error ? error.message : String(error)}`
        }
      ]
    };
  }
}

function parseUnsafe(text: string, options: IParseOptions): IParseResult {
  if (typeof text !== 'string') {
    return { document: null, diagnostics: [{ severity: 'error', code: 'invalid-json', message: 'The pipeline file has no text content.' }] };
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // Cheap bound first: a UTF-8 byte is at least one and at most three UTF-16 units' worth.
  if (text.length > maxBytes || (text.length * 3 > maxBytes && utf8Length(text) > maxBytes)) {
    return {
      document: null,
      diagnostics: [
        {
          severity: 'error',
          code: 'file-too-large',
          message: `The pipeline file is too large (${formatBytes(utf8Length(text))}; the limit is ${formatBytes(maxBytes)}).`
        }
      ]
    };
  }
  if (text.trim() === '') {
    return { document: null, diagnostics: [{ severity: 'error', code: 'invalid-json', message: 'The pipeline file is empty.', line: 1, column: 1 }] };
  }
  const parsed = parseJson(text);
  if (!parsed.ok) {
    return { document: null, diagnostics: [parsed.diagnostic] };
  }
  const shapeProblems = checkDocumentShape(parsed.value);
  if (shapeProblems.length > 0) {
    return { document: null, diagnostics: shapeProblems };
  }
  const migration = migratePipeline(parsed.value as IPipelineFlowDocument);
  if (migration.diagnostics.some(d => d.severity === 'error')) {
    return { document: null, diagnostics: migration.diagnostics, fromVersion: migration.fromVersion };
  }
  return {
    document: migration.document,
    diagnostics: [...migration.diagnostics, ...checkDocumentContent(migration.document, { typesOnly: true })],
    fromVersion: migration.fromVersion
  };
}

/**
 * The file text for a document: Elyra's layout (JSON, 2-space indent) plus a trailing
 * newline. Keys keep the order they have in the document, which is the order read from
 * the file, so saving an unchanged file changes nothing but whitespace, if that.
 */
export function serializePipeline(doc: IPipelineFlowDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
